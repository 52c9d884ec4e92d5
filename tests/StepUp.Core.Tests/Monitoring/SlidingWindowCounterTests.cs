using StepUp.Core.Monitoring;

namespace StepUp.Core.Tests.Monitoring;

public sealed class SlidingWindowCounterTests
{
    // A minute boundary: 2026-01-05T12:00:00Z.
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    private static TimeSpan Minutes(double minutes) => TimeSpan.FromMinutes(minutes);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.5, 1)]
    [InlineData(1, 1)]
    [InlineData(1.5, 2)]
    [InlineData(60, 60)]
    [InlineData(120, 120)]
    public void Span_IsWholeMinutes_AtLeastOne(double minutes, int expected)
    {
        Assert.Equal(Minutes(expected), new SlidingWindowCounter(Minutes(minutes)).Span);
    }

    [Fact]
    public void Count_IsZero_WhenNothingWasAdded()
    {
        var counter = new SlidingWindowCounter(Minutes(60));

        Assert.Equal(0, counter.Count(T0, Minutes(60)));
        Assert.Equal(0, counter.LastMinute);
    }

    [Fact]
    public void Count_IncludesEventsOfTheCurrentMinute()
    {
        var counter = new SlidingWindowCounter(Minutes(60));
        counter.Add(T0);
        counter.Add(T0.AddSeconds(10), 2);
        counter.Add(T0.AddSeconds(59));

        Assert.Equal(4, counter.Count(T0.AddSeconds(59), Minutes(1)));
        Assert.Equal(4, counter.Count(T0.AddSeconds(59), Minutes(10)));
        Assert.Equal(0, counter.Count(T0.AddSeconds(60), Minutes(1)));
    }

    [Fact]
    public void Count_WindowOfNMinutes_CoversTheCurrentMinuteAndTheNMinus1Before()
    {
        var counter = new SlidingWindowCounter(Minutes(60));
        counter.Add(T0.AddSeconds(30));

        // The event's minute is T0; at T0+9m it is the oldest of the ten minutes counted.
        Assert.Equal(1, counter.Count(T0.AddMinutes(9), Minutes(10)));
        Assert.Equal(1, counter.Count(T0.AddMinutes(9).AddSeconds(59), Minutes(10)));
        Assert.Equal(0, counter.Count(T0.AddMinutes(10), Minutes(10)));
        Assert.Equal(0, counter.Count(T0.AddMinutes(9), Minutes(9)));
        Assert.Equal(1, counter.Count(T0.AddMinutes(59), Minutes(60)));
        Assert.Equal(0, counter.Count(T0.AddMinutes(60), Minutes(60)));
    }

    [Fact]
    public void Count_RoundsTheWindowUpToWholeMinutes()
    {
        var counter = new SlidingWindowCounter(Minutes(60));
        counter.Add(T0);

        Assert.Equal(1, counter.Count(T0.AddMinutes(1), TimeSpan.FromSeconds(61)));
        Assert.Equal(0, counter.Count(T0.AddMinutes(1), TimeSpan.FromSeconds(60)));
        Assert.Equal(0, counter.Count(T0, TimeSpan.Zero));
    }

    [Fact]
    public void Count_SumsEveryMinuteOfTheWindow()
    {
        var counter = new SlidingWindowCounter(Minutes(10));
        for (var minute = 0; minute < 10; minute++)
        {
            counter.Add(T0.AddMinutes(minute), minute + 1); // 1..10
        }

        var now = T0.AddMinutes(9);
        Assert.Equal(55, counter.Count(now, Minutes(10)));
        Assert.Equal(10 + 9 + 8, counter.Count(now, Minutes(3)));
        Assert.Equal(10, counter.Count(now, Minutes(1)));
    }

    [Fact]
    public void Count_IgnoresEventsOlderThanSpan_EvenForALongerWindow()
    {
        var counter = new SlidingWindowCounter(Minutes(10));
        counter.Add(T0);
        counter.Add(T0.AddMinutes(5));

        Assert.Equal(2, counter.Count(T0.AddMinutes(9), Minutes(60)));
        Assert.Equal(1, counter.Count(T0.AddMinutes(10), Minutes(60)));
        Assert.Equal(0, counter.Count(T0.AddMinutes(15), TimeSpan.FromDays(1)));
    }

    [Theory]
    [InlineData(10)] // exactly one turn of the ring: the same slot, a stale minute
    [InlineData(20)]
    [InlineData(10_007)]
    public void Count_AfterALongIdle_DoesNotCountStaleBuckets(int idleMinutes)
    {
        var counter = new SlidingWindowCounter(Minutes(10));
        for (var minute = 0; minute < 10; minute++)
        {
            counter.Add(T0.AddMinutes(minute), 100);
        }

        var later = T0.AddMinutes(9 + idleMinutes);
        Assert.Equal(0, counter.Count(later, Minutes(10)));

        counter.Add(later);

        Assert.Equal(1, counter.Count(later, Minutes(10)));
        Assert.Equal(1, counter.Count(later.AddMinutes(9), Minutes(10)));
        Assert.Equal(0, counter.Count(later.AddMinutes(10), Minutes(10)));
    }

    [Fact]
    public void Add_ReusesAWrappedSlot_FromZero()
    {
        var counter = new SlidingWindowCounter(Minutes(5));
        counter.Add(T0, 7);

        counter.Add(T0.AddMinutes(5), 2); // the same slot, five minutes on

        Assert.Equal(2, counter.Count(T0.AddMinutes(5), Minutes(5)));
    }

    [Fact]
    public void CountBetween_IsTheBaselineBeforeTheRecentWindow()
    {
        var counter = new SlidingWindowCounter(Minutes(65));
        for (var minute = 0; minute < 60; minute++)
        {
            counter.Add(T0.AddMinutes(minute), 2);
        }

        var now = T0.AddMinutes(64);
        counter.Add(now, 25);

        Assert.Equal(25, counter.Count(now, Minutes(5)));
        Assert.Equal(120, counter.CountBetween(now, Minutes(5), Minutes(65)));
        Assert.Equal(145, counter.Count(now, Minutes(65)));
        // One minute later the oldest baseline minute leaves and the newest recent one enters it.
        Assert.Equal(120 - 2 + 0, counter.CountBetween(now.AddMinutes(1), Minutes(5), Minutes(65)));
        Assert.Equal(2 * 4, counter.CountBetween(now, Minutes(5), Minutes(9)));
    }

    [Fact]
    public void CountBetween_FromZero_EqualsCount()
    {
        var counter = new SlidingWindowCounter(Minutes(30));
        for (var minute = 0; minute < 30; minute++)
        {
            counter.Add(T0.AddMinutes(minute), minute);
        }

        var now = T0.AddMinutes(29);
        foreach (var window in new[] { 1, 5, 17, 30 })
        {
            Assert.Equal(counter.Count(now, Minutes(window)), counter.CountBetween(now, TimeSpan.Zero, Minutes(window)));
        }

        Assert.Equal(0, counter.CountBetween(now, Minutes(5), Minutes(5)));
        Assert.Equal(0, counter.CountBetween(now, Minutes(10), Minutes(5)));
    }

    [Fact]
    public void CountBetween_IsClampedToSpan()
    {
        var counter = new SlidingWindowCounter(Minutes(10));
        for (var minute = 0; minute < 10; minute++)
        {
            counter.Add(T0.AddMinutes(minute));
        }

        var now = T0.AddMinutes(9);
        Assert.Equal(5, counter.CountBetween(now, Minutes(5), Minutes(600)));
        Assert.Equal(0, counter.CountBetween(now, Minutes(50), Minutes(600)));
    }

    [Fact]
    public void LastMinute_IsTheNewestMinuteAdded()
    {
        var counter = new SlidingWindowCounter(Minutes(60));
        var unixMinute = (int)(T0.ToUnixTimeSeconds() / 60);

        counter.Add(T0.AddMinutes(3).AddSeconds(59));
        Assert.Equal(unixMinute + 3, counter.LastMinute);

        counter.Add(T0.AddMinutes(1));
        Assert.Equal(unixMinute + 3, counter.LastMinute);
    }

    [Fact]
    public void Add_FromManyThreads_LosesNothing()
    {
        var counter = new SlidingWindowCounter(Minutes(10));

        Parallel.For(0, 100_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            counter.Add(T0.AddMinutes(i % 10).AddSeconds(i % 60));
            if (i % 97 == 0)
            {
                Assert.InRange(counter.Count(T0.AddMinutes(9), Minutes(10)), 0, 100_000);
            }
        });

        Assert.Equal(100_000, counter.Count(T0.AddMinutes(9), Minutes(10)));
        Assert.Equal(10_000, counter.Count(T0.AddMinutes(9), Minutes(1)));
    }

    [Fact]
    public void LateEvent_OlderThanTheRing_DoesNotWipeTheNewerBucketInItsSlot()
    {
        var counter = new SlidingWindowCounter(Minutes(60));
        counter.Add(T0, 5);
        counter.Add(T0 - Minutes(60));
        Assert.Equal(5, counter.Count(T0, Minutes(60)));
    }

    [Fact]
    public void TimeBefore1970_IsCounted_NotAnIndexError()
    {
        var counter = new SlidingWindowCounter(Minutes(10));
        counter.Add(default);
        Assert.Equal(1, counter.Count(default, Minutes(10)));
    }

    [Fact]
    public void Bucket_SaturatesAt65535PerMinute_InsteadOfWrapping()
    {
        var counter = new SlidingWindowCounter(Minutes(10));
        counter.Add(T0, 60_000);
        counter.Add(T0, 60_000);
        counter.Add(T0.AddMinutes(1), 3);
        Assert.Equal(65_535 + 3, counter.Count(T0.AddMinutes(1), Minutes(10)));
    }
}
