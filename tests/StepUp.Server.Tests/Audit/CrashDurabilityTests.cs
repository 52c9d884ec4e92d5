using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Audit;

/// <summary>
/// Issue 4's crash test: concurrent decisions, the server killed with SIGKILL mid-way, restarted:
/// every decision whose response the client received is in the log, and the chain verifies.
/// </summary>
public class CrashDurabilityTests
{
    [Fact]
    public async Task Sigkill_MidLoad_LosesNoAcknowledgedDecision()
    {
        var directory = Directory.CreateTempSubdirectory("stepup-crash-").FullName;
        var database = "--StepUp:Storage:ConnectionString=Data Source=" + Path.Combine(directory, "stepup.db");
        var acknowledged = new ConcurrentBag<string>();

        await using (var server = await ServerProcess.StartAsync(database, "--Logging:LogLevel:Default=Warning"))
        {
            using var client = server.Client();
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var body = new { subject = new { id = $"crash-{worker}", session_id = $"s-{i}" }, action = "payments.transfer", resource = new { type = "transfer", id = $"t-{worker}-{i}", attributes = new { amount = i * 10 } } };
                    try
                    {
                        var response = await client.PostAsJsonAsync("/v1/decisions", body, stop.Token);
                        var json = await response.Content.ReadFromJsonAsync<JsonObject>(stop.Token);
                        acknowledged.Add(json!["decision_id"]!.GetValue<string>());
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or System.Text.Json.JsonException)
                    {
                        return; // the server is gone: what was not answered may or may not be stored
                    }
                }
            })).ToArray();

            while (acknowledged.Count < 400)
            {
                await Task.Delay(10);
            }

            server.Signal("KILL");
            await Task.WhenAll(workers);
        }

        Assert.True(acknowledged.Count >= 400);
        await using (var restarted = await ServerProcess.StartAsync(database))
        {
            using var client = restarted.Client();
            var stored = new HashSet<string>();
            string? cursor = null;
            do
            {
                var page = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?type=decision.evaluated&limit=1000" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)));
                foreach (var evt in page!["events"]!.AsArray())
                {
                    stored.Add(evt!["id"]!.GetValue<string>());
                }

                cursor = page["next_cursor"]?.GetValue<string>();
            }
            while (cursor is not null);

            var missing = acknowledged.Where(id => !stored.Contains(id)).ToList();
            Assert.Empty(missing);

            var verify = await client.GetFromJsonAsync<JsonObject>("/v1/audit/verify");
            Assert.True(verify!["ok"]!.GetValue<bool>(), verify.ToJsonString());
            Assert.True(verify["last_seq"]!.GetValue<long>() >= acknowledged.Count);
        }

        Directory.Delete(directory, recursive: true);
    }
}
