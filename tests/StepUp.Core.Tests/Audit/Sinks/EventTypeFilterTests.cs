using StepUp.Core.Audit;
using StepUp.Core.Audit.Sinks;

namespace StepUp.Core.Tests.Audit.Sinks;

public class EventTypeFilterTests
{
    [Theory]
    [InlineData("decision.*", "decision.evaluated", true)]
    [InlineData("decision.*", "elevation.granted", false)]
    [InlineData("stepup.**", "stepup.challenge.failed", true)]
    [InlineData("stepup.challenge.*", "stepup.challenge.relay_suspected", true)]
    [InlineData("alert.raised", "alert.raised", true)]
    [InlineData("alert.raised", "alert.delivery", false)]
    [InlineData("**", "audit.checkpoint", true)]
    public void Matches_UsesActionGlobRules(string pattern, string type, bool expected)
    {
        var filter = EventTypeFilter.TryCreate([pattern], new List<string>());
        Assert.NotNull(filter);
        Assert.Equal(expected, filter.Matches(type));
    }

    [Fact]
    public void NoPatterns_MatchesEverything()
    {
        var filter = EventTypeFilter.TryCreate([], new List<string>())!;
        Assert.All(EventTypeFilter.KnownTypes, t => Assert.True(filter.Matches(t)));
        Assert.True(EventTypeFilter.All.Matches(AuditEventTypes.AuditCheckpoint));
    }

    [Fact]
    public void SeveralPatterns_MatchAny()
    {
        var filter = EventTypeFilter.TryCreate(["decision.*", "alert.raised"], new List<string>())!;
        Assert.True(filter.Matches("decision.evaluated"));
        Assert.True(filter.Matches("alert.raised"));
        Assert.False(filter.Matches("policy.loaded"));
        Assert.Equal(["decision.*", "alert.raised"], filter.Patterns);
    }

    [Fact]
    public void TryCreate_ReportsEveryBadPattern()
    {
        var errors = new List<string>();
        var filter = EventTypeFilter.TryCreate(["stepup.*", "decison.*", "a..b", "de*", "", "decision.*"], errors);
        Assert.Null(filter);
        Assert.Equal(5, errors.Count);
        Assert.Contains("event type pattern 'stepup.*' matches no event type ('*' is one segment; did you mean 'stepup.**'?)", errors);
        Assert.Contains("event type pattern 'decison.*' matches no event type", errors);
        Assert.Contains(errors, e => e.Contains("'a..b' has an empty segment", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("must be whole segments", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("must not be empty", StringComparison.Ordinal));
    }

    [Fact]
    public void KnownTypes_AreTheSpecList_AndTheDashboardsAdminAction()
    {
        Assert.Equal(28, EventTypeFilter.KnownTypes.Count);
        Assert.Contains("admin.action", EventTypeFilter.KnownTypes);
        Assert.Contains("stepup.challenge.relay_suspected", EventTypeFilter.KnownTypes);
    }
}
