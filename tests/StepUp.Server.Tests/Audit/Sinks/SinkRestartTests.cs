using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Server.Tests.Infrastructure;
using StepUp.Storage.Sqlite;
using static StepUp.Server.Tests.Audit.Sinks.SinkTestKit;

namespace StepUp.Server.Tests.Audit.Sinks;

/// <summary>Runs alone: starting real server processes while many in-process tests run makes start-up slow.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class SinkProcessCollection;

/// <summary>The real server process killed and restarted between deliveries: nothing is lost or skipped.</summary>
[Collection(nameof(SinkProcessCollection))]
public class SinkRestartTests
{
    [Fact]
    public async Task Webhook_FailsTwice_ThenTheServerIsKilledWithABacklog_AndTheRestartDeliversEverything()
    {
        var directory = Directory.CreateTempSubdirectory("stepup-sink-restart-").FullName;
        var database = Path.Combine(directory, "stepup.db");
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.FailNext(2);
        var settings = Arguments(Webhook(0, "siem", receiver.Url, "decision.*", "audit.verified"))
            .Append($"--StepUp:Storage:ConnectionString=Data Source={database}")
            .ToArray();
        var decisions = new List<string>();

        // 1. Three decisions get through a receiver that fails twice first (real back-off: ~0.5-1 s, then ~1-2 s).
        await using (var first = await ServerProcess.StartAsync(settings))
        {
            using var client = first.Client();
            for (var i = 0; i < 3; i++)
            {
                decisions.Add(await DecideAsync(client, Transfer("before-" + i)));
            }

            await receiver.WaitUntilAsync(r => decisions.All(id => r.Accepted.Any(e => Id(e) == id)), TimeSpan.FromSeconds(60), "the first three decisions");
            Assert.Equal([500, 500], receiver.Requests.Take(2).Select(r => r.Status));

            // 2. The receiver goes down; three more decisions pile up, then the server dies (SIGKILL).
            receiver.Status = HttpStatusCode.ServiceUnavailable;
            for (var i = 0; i < 3; i++)
            {
                decisions.Add(await DecideAsync(client, Transfer("during-" + i)));
            }

            await receiver.WaitUntilAsync(r => r.Requests.Any(q => q.Status == 503 && q.Events.Any(e => Id(e) == decisions[3])), TimeSpan.FromSeconds(60), "a failed attempt with the backlog");
        }

        // 3. While it is down, other writers (here: the store directly, as the CLI would) append events the sink selects.
        var offline = new List<string>();
        var appenderDatabase = SqliteDatabase.Open($"Data Source={database}", TimeProvider.System);
        await using (var appender = new SqliteAuditAppender(appenderDatabase, TimeProvider.System))
        {
            for (var i = 0; i < 2; i++)
            {
                var evt = await appender.AppendAsync(new AuditEventDraft
                {
                    Type = AuditEventTypes.AuditVerified,
                    Payload = new JsonObject { ["outcome"] = "success", ["severity"] = "info", ["app"] = "default" },
                });
                offline.Add(evt.Id);
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        // 4. The receiver is back; the restarted server resumes from its stored cursor.
        receiver.Status = HttpStatusCode.OK;
        await using (var second = await ServerProcess.StartAsync(settings))
        {
            using var client = second.Client();
            decisions.Add(await DecideAsync(client, Transfer("after")));
            var expected = new List<JsonObject>();
            foreach (var type in (string[])["decision.evaluated", "audit.verified"])
            {
                expected.AddRange(await AllEventsAsync(client, type));
            }

            expected.Sort((a, b) => a["seq"]!.GetValue<long>().CompareTo(b["seq"]!.GetValue<long>()));
            Assert.Equal(decisions.Concat(offline).Order(), expected.Select(Id).Order());

            await receiver.WaitUntilAsync(r => expected.All(e => r.Accepted.Any(a => Id(a) == Id(e))), TimeSpan.FromSeconds(60), "every selected event after the restart");
            var accepted = receiver.Accepted.DistinctBy(Id).ToList();
            Assert.Equal(expected.Select(Id), accepted.Select(Id));
            Assert.All(accepted, a => Assert.True(JsonNode.DeepEquals(expected.Single(e => Id(e) == Id(a)), a)));
            Assert.All(receiver.Requests, r => Assert.True(r.SignatureValid));

            var status = await WaitForStatusAsync(client, "siem", s => s["lag"]!.GetValue<long>() == 0, "caught up after the restart");
            Assert.Equal(0, status["failures"]!.GetValue<int>());
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static string Id(JsonObject evt) => evt["id"]!.GetValue<string>();

    private static async Task<List<JsonObject>> AllEventsAsync(HttpClient client, string type)
    {
        var page = await client.GetFromJsonAsync<JsonObject>($"/v1/audit/events?limit=1000&type={type}");
        Assert.Null(page!["next_cursor"]);
        return page["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
    }
}
