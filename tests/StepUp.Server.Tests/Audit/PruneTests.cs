using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Server.Tests.Infrastructure;
using StepUp.Storage.Retention;

namespace StepUp.Server.Tests.Audit;

public class FrequentCheckpointFixture : ServerFixture
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("StepUp:Audit:CheckpointEvery", "5")];
}

/// <summary>Prefix pruning to a checkpoint: the rest of the chain still verifies, signatures included.</summary>
public class PruneTests(FrequentCheckpointFixture server) : IClassFixture<FrequentCheckpointFixture>
{
    private async Task<List<JsonObject>> WaitForCheckpointsAsync(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var checkpoints = await server.AllEventsAsync("audit.checkpoint");
            if (checkpoints.Count >= count)
            {
                return checkpoints;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("no checkpoint was written");
    }

    [Fact]
    public async Task Prune_DeletesAPrefixEndingAtACheckpoint_AndTheChainStillVerifies()
    {
        var client = server.Client();
        for (var i = 0; i < 12; i++)
        {
            (await client.PostAsJsonAsync("/v1/decisions", new { subject = new { id = "p" + i }, action = "records.read" })).EnsureSuccessStatusCode();
        }

        var checkpoint = (await WaitForCheckpointsAsync(1))[^1];
        var through = checkpoint["checkpoint_seq"]!.GetValue<long>();
        var retention = server.Services.GetRequiredService<IAuditRetention>();

        await retention.PlaceHoldAsync(null, "case 9", TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<LegalHoldException>(() => retention.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1), TestContext.Current.CancellationToken));
        await retention.LiftHoldAsync(null, TestContext.Current.CancellationToken);

        var result = await retention.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1), TestContext.Current.CancellationToken);
        Assert.True(result.ThroughSeq >= through);
        Assert.Equal(result.ThroughSeq, result.Count);

        var events = await server.AllEventsAsync();
        Assert.Equal(result.ThroughSeq + 1, events[0]["seq"]!.GetValue<long>());
        var verify = await client.GetFromJsonAsync<JsonObject>("/v1/audit/verify");
        Assert.True(verify!["ok"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.True(verify["checkpoints_verified"]!.GetValue<long>() >= 1);
        Assert.Equal(events.Count, verify["events_verified"]!.GetValue<long>());
    }
}
