using StepUp.Core.Policy;

namespace StepUp.Core.Tests.Policy;

public class DurationsTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("250ms", 250)]
    [InlineData("7d", 604_800_000)]
    [InlineData("1m30s", 90_000)]
    public void TryParse_ReadsUnits(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("m")]
    [InlineData("5x")]
    [InlineData("-5m")]
    [InlineData("5 m")]
    [InlineData("9999999999s")]
    public void TryParse_RejectsInvalid(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void Format_RoundTrips() => Assert.Equal("1h30m", Durations.Format(TimeSpan.FromMinutes(90)));
}
