using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Server.Tests.Infrastructure;
using StepUp.Storage.Sqlite;

namespace StepUp.Server.Tests.Audit;

/// <summary>
/// Export through a real Kestrel process: the response is streamed with back-pressure, not built in
/// memory. While the client holds back after the first line of a ~50 MB export, the server cannot
/// have finished (no <c>audit.exported</c> yet); once the client reads on, every event arrives.
/// </summary>
public class AuditExportStreamingTests
{
    private const int Events = 50_000;

    private static async Task<string> SeedAsync()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("stepup-export-stream-").FullName, "stepup.db");
        var database = SqliteDatabase.Open($"Data Source={path}", TimeProvider.System);
        await using (var appender = new SqliteAuditAppender(database, TimeProvider.System))
        {
            var filler = new string('x', 900);
            for (var batch = 0; batch < Events / 1000; batch++)
            {
                var drafts = Enumerable.Range(0, 1000).Select(i => new AuditEventDraft
                {
                    Type = "decision.evaluated",
                    Payload = new JsonObject
                    {
                        ["outcome"] = "allow",
                        ["app"] = "default",
                        ["subject"] = new JsonObject { ["id"] = "bulk-" + (i % 50) },
                        ["note"] = filler,
                    },
                }).ToList();
                await appender.AppendAsync(drafts, TestContext.Current.CancellationToken);
            }
        }

        SqliteConnection.ClearAllPools();
        return path;
    }

    [Fact]
    public async Task Export_LargeLog_IsStreamedWithBackPressure_AndComplete()
    {
        var path = await SeedAsync();
        await using var server = await ServerProcess.StartAsync($"--StepUp:Storage:ConnectionString=Data Source={path}");
        using var client = server.Client();
        client.Timeout = TimeSpan.FromMinutes(2);

        using var response = await client.GetAsync("/v1/audit/export?format=jsonl", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var first = await reader.ReadLineAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, AuditEvent.Parse(first!).Seq);

        // The client holds back: the server must be parked on the flush, not done.
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        var during = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?type=audit.exported", TestContext.Current.CancellationToken);
        Assert.Empty(during!["events"]!.AsArray());

        var verifier = await ExportVerification.VerifierAsync(client);
        Assert.True(verifier.Add(AuditEvent.Parse(first!)));
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            Assert.True(verifier.Add(AuditEvent.Parse(line)), verifier.Result.Reason);
        }

        Assert.True(verifier.Result.Ok);
        // The seeded events plus whatever the server appended before the export began (a checkpoint at start-up).
        Assert.InRange(verifier.Result.EventsVerified, Events, Events + 10);

        var after = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?type=audit.exported", TestContext.Current.CancellationToken);
        var record = after!["events"]![0]!;
        Assert.Equal(verifier.Result.EventsVerified, record["export"]!["count"]!.GetValue<long>());
        Assert.True(record["export"]!["completed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Export_ClientLeavingEarly_IsAuditedAsIncomplete()
    {
        var path = await SeedAsync();
        await using var server = await ServerProcess.StartAsync($"--StepUp:Storage:ConnectionString=Data Source={path}");
        using var client = server.Client();

        using (var response = await client.GetAsync("/v1/audit/export?format=csv", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
            Assert.StartsWith("seq,", await reader.ReadLineAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        JsonNode? record = null;
        for (var attempt = 0; attempt < 100 && record is null; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            var page = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?type=audit.exported", TestContext.Current.CancellationToken);
            record = page!["events"]!.AsArray().FirstOrDefault();
        }

        Assert.NotNull(record);
        Assert.Equal("failure", record["outcome"]!.GetValue<string>());
        Assert.Equal("client_disconnected", record["reason"]!.GetValue<string>());
        Assert.False(record["export"]!["completed"]!.GetValue<bool>());
        Assert.InRange(record["export"]!["count"]!.GetValue<long>(), 1, Events - 1);
    }
}
