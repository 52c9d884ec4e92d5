using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Policies;

public class PolicyReloadTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string PolicyA = "version: 1\nrules:\n  - { id: rule-a, effect: step_up, level: aal2, max_age: 1m }\n";
    private const string PolicyB = "version: 1\nrules:\n  - { id: rule-b, effect: deny }\n  - { id: rule-b2, effect: allow }\n";

    private static readonly object Request = new { subject = new { id = "reload", session_id = "s" }, action = "records.read" };

    private async Task<List<JsonObject>> WaitForEventsAsync(string type, int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var events = await server.AllEventsAsync(type);
            if (events.Count >= count)
            {
                return events;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"no {count} {type} events after 10 s");
    }

    private async Task<JsonObject> DecideAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/v1/decisions", Request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task Reload_SwapsValidPolicy_RefusesInvalidOne_AndAuditsBoth()
    {
        var client = server.Client();
        _ = await DecideAsync(client); // start the server
        var loaded = (await WaitForEventsAsync("policy.loaded", 1)).Count;

        await File.WriteAllTextAsync(server.PolicyPath, PolicyA, TestContext.Current.CancellationToken);
        var events = await WaitForEventsAsync("policy.loaded", loaded + 1);
        Assert.Equal("file change", events[^1]["policy"]!["trigger"]!.GetValue<string>());
        Assert.Equal("step_up", (await DecideAsync(client))["decision"]!.GetValue<string>());

        await File.WriteAllTextAsync(server.PolicyPath, "version: 1\nrules:\n  - { id: broken, effect: explode }\n", TestContext.Current.CancellationToken);
        var rejected = await WaitForEventsAsync("policy.rejected", 1);
        Assert.Contains("explode", rejected[^1]["policy"]!["errors"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var still = await DecideAsync(client);
        Assert.Equal("step_up", still["decision"]!.GetValue<string>());
        Assert.Equal(["rule-a"], still["rules"]!.AsArray().Select(r => r!.GetValue<string>()));

        var active = await client.GetFromJsonAsync<JsonObject>("/v1/policy");
        Assert.Contains("rule-a", active!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_UnderConcurrentLoad_DropsNothing_AndNeverMixesPolicies()
    {
        var client = server.Client();
        _ = await DecideAsync(client);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++)
            {
                await File.WriteAllTextAsync(server.PolicyPath, i % 2 == 0 ? PolicyA : PolicyB);
                await Task.Delay(120);
            }
        });

        var results = new System.Collections.Concurrent.ConcurrentBag<JsonObject>();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!writer.IsCompleted)
            {
                results.Add(await DecideAsync(client));
            }
        })).ToArray();
        await Task.WhenAll(workers);
        await writer;

        Assert.NotEmpty(results);
        var shapes = results.Select(r => r["decision"]!.GetValue<string>() + ":" + string.Join(",", r["rules"]!.AsArray().Select(x => x!.GetValue<string>()))).ToHashSet();
        Assert.Subset(new HashSet<string> { "step_up:rule-a", "deny:rule-b,rule-b2", "step_up:large-transfer", "allow:" }, shapes);

        // Every audited decision's rules belong to the policy version it names.
        var versions = (await server.AllEventsAsync("policy.loaded")).Select(e => e["policy_version"]!.GetValue<string>()).ToHashSet();
        var decisions = await server.AllEventsAsync("decision.evaluated");
        foreach (var id in results.Select(r => r["decision_id"]!.GetValue<string>()))
        {
            var evt = decisions.Single(e => e["id"]!.GetValue<string>() == id);
            Assert.Contains(evt["policy_version"]!.GetValue<string>(), versions);
        }

        var byVersion = decisions.GroupBy(e => e["policy_version"]!.GetValue<string>());
        foreach (var group in byVersion)
        {
            Assert.Single(group.Select(e => string.Join(",", e["decision"]!["rules"]!.AsArray().Select(x => x!.GetValue<string>()))).Distinct());
        }
    }
}
