using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Postgres;

/// <summary>Failures with PostgreSQL (issue 7 acceptance): a node killed under load, the database stopped briefly.</summary>
public sealed class NodeFailureTests
{
    private static object Read(string subject) => new { subject = new { id = subject, session_id = "s" }, action = "records.read" };

    private static async Task<(HttpStatusCode Status, JsonObject? Body)> DecideAsync(HttpClient client, string subject)
    {
        try
        {
            var response = await client.PostAsJsonAsync("/v1/decisions", Read(subject));
            return (response.StatusCode, response.Content.Headers.ContentLength == 0 ? null : await response.Content.ReadFromJsonAsync<JsonObject>());
        }
        catch (HttpRequestException)
        {
            return (0, null); // the node is gone: not acknowledged
        }
    }

    [Fact]
    public async Task KillingOneNodeUnderLoad_LeavesTheOtherServing_AndLosesNothingAcknowledged()
    {
        await using var postgres = PostgresCluster.Shared();
        var database = await postgres.CreateDatabaseAsync();
        await using var a = await ServerProcess.StartAsync(MultiNodeTests.NodeSettings(database));
        var b = await ServerProcess.StartAsync(MultiNodeTests.NodeSettings(database));
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        async Task LoadAsync(ServerProcess node, int worker)
        {
            using var client = node.Client();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var (status, body) = await DecideAsync(client, $"load-{worker}-{i}");
                if (status == HttpStatusCode.OK)
                {
                    acknowledged.Add(body!["decision_id"]!.GetValue<string>());
                }
            }
        }

        var load = Enumerable.Range(0, 8).Select(w => Task.Run(() => LoadAsync(w % 2 == 0 ? a : b, w))).ToArray();
        await Task.Delay(1500);
        var beforeKill = acknowledged.Count;
        b.Signal("KILL");
        await Task.Delay(1500);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        await b.DisposeAsync();

        // A kept serving after B died.
        using var client = a.Client();
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(client, "after-kill")).Status);
        Assert.True(acknowledged.Count > beforeKill, "node A acknowledged nothing after node B was killed");

        // Every acknowledged decision is in the one chain, which verifies.
        var stored = new HashSet<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?type=decision.evaluated&limit=1000" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)));
            stored.UnionWith(page!["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        Assert.All(acknowledged, id => Assert.Contains(id, stored));
        var verify = await client.GetFromJsonAsync<JsonObject>("/v1/audit/verify");
        Assert.True(verify!["ok"]!.GetValue<bool>(), verify.ToJsonString());
    }

    [Fact]
    public async Task PostgresStoppedBriefly_Gives503_ThenRecoversWithoutARestart()
    {
        await using var postgres = await PostgresCluster.StartPrivateAsync();
        var database = await postgres.CreateDatabaseAsync();
        await using var node = await ServerProcess.StartAsync(MultiNodeTests.NodeSettings(database));
        using var client = node.Client();
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(client, "before")).Status);

        await postgres.StopAsync();
        var (status, problem) = await DecideAsync(client, "during");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("SU1030", problem!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);

        await postgres.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode after;
        do
        {
            after = (await DecideAsync(client, "after")).Status;
        }
        while (after != HttpStatusCode.OK && DateTime.UtcNow < deadline && await Delay());
        Assert.Equal(HttpStatusCode.OK, after);
        var verify = await client.GetFromJsonAsync<JsonObject>("/v1/audit/verify");
        Assert.True(verify!["ok"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.Contains("\"before\"", await client.GetStringAsync("/v1/audit/events?subject=before"), StringComparison.Ordinal);

        static async Task<bool> Delay()
        {
            await Task.Delay(250);
            return true;
        }
    }
}
