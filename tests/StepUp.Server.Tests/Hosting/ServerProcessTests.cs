using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Hosting;

/// <summary>The real server process: default configuration, Kestrel on loopback, signals.</summary>
public class ServerProcessTests
{
    private static readonly object LargeTransfer = new
    {
        subject = new { id = "alice", session_id = "s-123" },
        action = "payments.transfer",
        resource = new { type = "transfer", id = "t-9", attributes = new { amount = 12000 } },
        context = new { ip = "81.2.69.142", device_id = "d-1" },
    };

    [Fact]
    public async Task DefaultStart_UsesBundledExamplePolicy_AndSqliteUnderData()
    {
        await using var server = await ServerProcess.StartAsync();
        using var client = server.Client();
        var response = await client.PostAsJsonAsync("/v1/decisions", LargeTransfer);
        response.EnsureSuccessStatusCode();
        var decision = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("step_up", decision!["decision"]!.GetValue<string>());
        // The example policy's night-time rule may also apply, depending on the hour this runs.
        Assert.Contains("large-transfer", decision["rules"]!.AsArray().Select(r => r!.GetValue<string>()));

        Assert.True(File.Exists(Path.Combine(server.WorkingDirectory, "data", "stepup.db")));
        var policy = await client.GetFromJsonAsync<JsonObject>("/v1/policy");
        Assert.EndsWith("policy.example.yaml", policy!["path"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ready", await client.GetStringAsync("/readyz"));
        Assert.Contains("StepUp is listening on", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sighup_ReloadsThePolicy_AndAuditsIt()
    {
        var directory = Directory.CreateTempSubdirectory("stepup-sighup-").FullName;
        var policyPath = Path.Combine(directory, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, "version: 1\nrules:\n  - { id: before, effect: deny }\n");
        await using var server = await ServerProcess.StartAsync("--StepUp:PolicyPath=" + policyPath, "--StepUp:PolicyWatch=false");
        using var client = server.Client();
        Assert.Equal("deny", (await (await client.PostAsJsonAsync("/v1/decisions", LargeTransfer)).Content.ReadFromJsonAsync<JsonObject>())!["decision"]!.GetValue<string>());

        await File.WriteAllTextAsync(policyPath, "version: 1\nrules:\n  - { id: after, effect: allow }\n");
        server.Signal("HUP");

        JsonObject? decision = null;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            decision = await (await client.PostAsJsonAsync("/v1/decisions", LargeTransfer)).Content.ReadFromJsonAsync<JsonObject>();
            if (decision!["decision"]!.GetValue<string>() == "allow")
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(["after"], decision!["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
        var loaded = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?type=policy.loaded");
        Assert.Equal("SIGHUP", loaded!["events"]![0]!["policy"]!["trigger"]!.GetValue<string>());
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task InvalidPolicyAtStart_StopsTheServer_ListingTheErrors()
    {
        var directory = Directory.CreateTempSubdirectory("stepup-invalid-").FullName;
        var policyPath = Path.Combine(directory, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, "version: 1\nrules:\n  - { id: a, effect: explode }\n");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync("--StepUp:PolicyPath=" + policyPath));
        Assert.Contains("policy.yaml:3:22: error: unknown effect 'explode'", error.Message, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }
}
