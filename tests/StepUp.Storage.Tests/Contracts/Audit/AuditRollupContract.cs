using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>The hourly counters the appender keeps beside the trail, read through <see cref="IAuditRollupReader"/>.</summary>
public abstract class AuditRollupContract(IStoreProvider provider) : AuditContract(provider)
{
    // Real, full-length user agents (both over 100 characters).
    private const string Iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    private const string Windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private static AuditEventDraft Decision(string effect, params string[] signals) => new()
    {
        Type = AuditEventTypes.DecisionEvaluated,
        Payload = new JsonObject
        {
            ["outcome"] = effect,
            ["action"] = "payments.transfer",
            ["risk"] = new JsonObject { ["signals"] = new JsonArray([.. signals.Select(s => (JsonNode?)s)]) },
        },
    };

    private static AuditEventDraft Challenge(string type, string method, string userAgent, string action) => new()
    {
        Type = type,
        Payload = new JsonObject
        {
            ["outcome"] = type == AuditEventTypes.ChallengeVerified ? "success" : "failure",
            ["action"] = action,
            ["challenge"] = new JsonObject { ["id"] = "ch_1", ["method"] = method },
            ["context"] = new JsonObject { ["user_agent"] = userAgent },
        },
    };

    [Fact]
    public async Task Appends_CountPerHourAndKey_InTheSameCommit()
    {
        var clock = new ManualTimeProvider(Now);
        var store = await OpenStoreAsync(clock);
        var firstHour = new DateTimeOffset(Now.Year, Now.Month, Now.Day, Now.Hour, 0, 0, TimeSpan.Zero);
        await using (var appender = store.OpenAppender(clock))
        {
            await appender.AppendAsync([Decision("allow"), Decision("step_up", "new_device", "new_country"), Decision("step_up", "new_device")], Ct);
            await appender.AppendAsync([
                Challenge(AuditEventTypes.ChallengeFailed, "totp", Iphone, "payments.transfer"),
                Challenge(AuditEventTypes.ChallengeFailed, "totp", Iphone, "apikeys.create"),
                Challenge(AuditEventTypes.ChallengeVerified, "totp", Windows, "payments.transfer"),
            ], Ct);
            clock.Advance(TimeSpan.FromHours(1));
            await appender.AppendAsync([Decision("deny"), Decision("step_up"), new AuditEventDraft
            {
                Type = AuditEventTypes.AlertRaised,
                Payload = new JsonObject { ["outcome"] = "success", ["alert"] = new JsonObject { ["detector"] = "subject_failures" } },
            }], Ct);
        }

        var counts = await store.Rollups.ReadAsync(firstHour, firstHour.AddHours(2), Ct);
        var first = counts.Where(c => c.Hour == firstHour).ToDictionary(c => c.Key, c => c.Count);
        var second = counts.Where(c => c.Hour == firstHour.AddHours(1)).ToDictionary(c => c.Key, c => c.Count);
        Assert.Equal(counts.Count, first.Count + second.Count);
        Assert.Equal(new Dictionary<string, long>
        {
            ["decision:allow"] = 1,
            ["decision:step_up"] = 2,
            ["signal:new_device"] = 2,
            ["signal:new_country"] = 1,
            ["failed:totp:mobile"] = 2,
            ["failed_action:payments.transfer"] = 1,
            ["failed_action:apikeys.create"] = 1,
            ["verified:totp:desktop"] = 1,
        }, first);
        Assert.Equal(new Dictionary<string, long> { ["decision:deny"] = 1, ["decision:step_up"] = 1, ["alert:subject_failures"] = 1 }, second);

        // The window is half-open: the second hour alone.
        Assert.All(await store.Rollups.ReadAsync(firstHour.AddHours(1), firstHour.AddHours(2), Ct), c => Assert.Equal(firstHour.AddHours(1), c.Hour));
    }
}
