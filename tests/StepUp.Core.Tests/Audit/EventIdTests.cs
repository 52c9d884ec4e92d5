using StepUp.Core.Audit;

namespace StepUp.Core.Tests.Audit;

public sealed class EventIdTests
{
    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void New_Returns26CrockfordCharacters_CarryingTheTime()
    {
        var now = new DateTimeOffset(2026, 11, 22, 8, 0, 0, 123, TimeSpan.Zero);

        var id = EventId.New(new FixedTimeProvider(now));

        Assert.Equal(26, id.Length);
        Assert.All(id, c => Assert.Contains(c, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"));
        Assert.True(EventId.TryGetTime(id, out var time));
        Assert.Equal(now, time);
    }

    [Fact]
    public void New_EncodesTheTimeInTheFirstTenCharacters_AsUlidDoes()
    {
        // ULID spec example: 1469918176385 ms is "01ARYZ6S41".
        var id = EventId.New(DateTimeOffset.FromUnixTimeMilliseconds(1469918176385));

        Assert.StartsWith("01ARYZ6S41", id);
    }

    [Fact]
    public void New_IsUniqueAndSortsByTimeAcrossMilliseconds()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 10_000).Select(i => EventId.New(start.AddMilliseconds(i / 10))).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        for (var i = 10; i < ids.Count; i += 10)
        {
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("01ARYZ6S41")]
    [InlineData("81ARYZ6S410000000000000000")]
    [InlineData("01ARYZ6S41000000000000000I")]
    [InlineData("01aryz6s410000000000000000")]
    public void IsValid_RejectsMalformedIds(string? id) => Assert.False(EventId.IsValid(id));
}
