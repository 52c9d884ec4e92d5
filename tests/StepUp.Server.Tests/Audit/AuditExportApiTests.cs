using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Core.Audit;
using StepUp.Server.Tests.Infrastructure;
using StepUp.Storage;

namespace StepUp.Server.Tests.Audit;

public class AuditExportApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static async Task DecideAsync(HttpClient client, object subject, string action = "records.read", object? resource = null)
    {
        var response = await client.PostAsJsonAsync("/v1/decisions", new { subject, action, resource, context = new { ip = "81.2.69.142", user_agent = "ua é 😀" } });
        response.EnsureSuccessStatusCode();
    }

    private async Task<(HttpResponseMessage Response, string[] Lines)> ExportAsync(string query, HttpClient? client = null)
    {
        var response = await (client ?? server.Client()).GetAsync("/v1/audit/export?" + query, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var separator = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        return (response, text.Split(separator, StringSplitOptions.RemoveEmptyEntries));
    }

    private async Task<JsonObject> LastExportRecordAsync()
    {
        var page = await server.Client().GetFromJsonAsync<JsonObject>("/v1/audit/events?type=audit.exported&limit=1", TestContext.Current.CancellationToken);
        return page!["events"]![0]!.AsObject();
    }

    [Fact]
    public async Task Export_Jsonl_OfALiveServer_VerifiesOffline_AndIsAuditedWithItsCount()
    {
        var client = server.Client();
        await Parallel.ForAsync(0, 40, TestContext.Current.CancellationToken, async (i, _) =>
            await DecideAsync(client, new { id = "export-" + (i % 4), session_id = "s-" + i }, i % 2 == 0 ? "payments.transfer" : "records.read",
                new { type = "transfer", id = "t-" + i, attributes = new { amount = i * 500, note = "line\n\"quoted\" é 😀" } }));

        var (response, lines) = await ExportAsync("format=jsonl");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);

        var verifier = await ExportVerification.VerifierAsync(client);
        foreach (var line in lines)
        {
            Assert.True(verifier.Add(AuditEvent.Parse(line)), verifier.Result.Reason);
        }

        Assert.True(verifier.Result.Ok);
        Assert.Equal(lines.Length, verifier.Result.EventsVerified);
        Assert.True(lines.Length >= 40);

        // Each line is the stored event exactly as the API serves it.
        var all = await server.AllEventsAsync();
        Assert.Equal(all.Take(lines.Length).Select(e => e.ToJsonString()), lines.Select(l => JsonNode.Parse(l)!.ToJsonString()));

        // Appended after the stream, with what left: who, format, filters, count.
        var record = await LastExportRecordAsync();
        Assert.True(record["seq"]!.GetValue<long>() > verifier.Result.LastSeq);
        Assert.Equal("success", record["outcome"]!.GetValue<string>());
        Assert.Equal("bootstrap", record["actor"]!["key_id"]!.GetValue<string>());
        Assert.Equal("default", record["actor"]!["app"]!.GetValue<string>());
        Assert.Equal("jsonl", record["export"]!["format"]!.GetValue<string>());
        Assert.Equal(lines.Length, record["export"]!["count"]!.GetValue<long>());
        Assert.Equal(1, record["export"]!["first_seq"]!.GetValue<long>());
        Assert.Equal(verifier.Result.LastSeq, record["export"]!["last_seq"]!.GetValue<long>());
        Assert.True(record["export"]!["completed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Export_Csv_EscapesFormulaCells_AndQuotesAsRfc4180()
    {
        var client = server.Client();
        await DecideAsync(client, new { id = "=1+1", session_id = "@x" }, "payments.transfer", new { type = "-x", id = "+x, \"y\"" });

        var (response, lines) = await ExportAsync("format=csv&type=decision.evaluated&subject=" + Uri.EscapeDataString("=1+1"));
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("seq,id,time,type,outcome,severity,app,subject_id,session_id,action,resource_type,resource_id,ip,reason,prev_hash,payload_digest,hash,erased", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains(",default,'=1+1,'@x,payments.transfer,'-x,\"'+x, \"\"y\"\"\",81.2.69.142,,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",false", lines[1], StringComparison.Ordinal);

        var record = await LastExportRecordAsync();
        Assert.Equal("csv", record["export"]!["format"]!.GetValue<string>());
        Assert.Equal("=1+1", record["export"]!["filters"]!["subject"]!.GetValue<string>());
        Assert.Equal("decision.evaluated", record["export"]!["filters"]!["type"]!.GetValue<string>());
        Assert.Equal(1, record["export"]!["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Export_Ocsf_MapsEachClass()
    {
        var appender = server.Services.GetRequiredService<IAuditAppender>();
        JsonObject Payload(string outcome) => new()
        {
            ["outcome"] = outcome,
            ["severity"] = "medium",
            ["app"] = "payments-api",
            ["subject"] = new JsonObject { ["id"] = "ocsf-user", ["session_id"] = "s-o" },
            ["action"] = "payments.transfer",
            ["context"] = new JsonObject { ["ip"] = "81.2.69.142", ["geo"] = new JsonObject { ["latitude"] = 51.5142, ["longitude"] = -0.0931 } },
        };
        await appender.AppendAsync(
        [
            new AuditEventDraft { Type = "stepup.challenge.failed", Payload = Payload("failure") },
            new AuditEventDraft { Type = "elevation.granted", Payload = Payload("success") },
            new AuditEventDraft { Type = "alert.raised", Payload = new JsonObject { ["severity"] = "high", ["subject"] = new JsonObject { ["id"] = "ocsf-user" }, ["alert"] = new JsonObject { ["id"] = "al_1", ["detector"] = "subject_failures" } } },
        ], TestContext.Current.CancellationToken);
        await DecideAsync(server.Client(), new { id = "ocsf-user" });

        var (response, lines) = await ExportAsync("format=ocsf&subject=ocsf-user");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        var objects = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal([3002, 3003, 2004, 0], objects.Select(o => o["class_uid"]!.GetValue<int>()));
        Assert.Equal([300201L, 300301, 200401, 99], objects.Select(o => o["type_uid"]!.GetValue<long>()));
        Assert.All(objects, o =>
        {
            Assert.Equal("1.3.0", o["metadata"]!["version"]!.GetValue<string>());
            Assert.Equal("StepUp", o["metadata"]!["product"]!["name"]!.GetValue<string>());
            Assert.Equal("ocsf-user", o["user"]!["uid"]!.GetValue<string>());
        });
        Assert.Equal(["payments.transfer"], objects[1]["privileges"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("al_1", objects[2]["finding_info"]!["uid"]!.GetValue<string>());
        Assert.Equal([-0.0931, 51.5142], objects[0]["src_endpoint"]!["location"]!["coordinates"]!.AsArray().Select(c => c!.GetValue<double>()));
        Assert.Equal("decision.evaluated", objects[3]["unmapped"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Export_TimeRange_IsSinceInclusive_UntilExclusive_OldestFirst()
    {
        var client = server.Client();
        for (var i = 0; i < 6; i++)
        {
            await DecideAsync(client, new { id = "export-window" });
            await Task.Delay(15, TestContext.Current.CancellationToken);
        }

        var all = (await server.AllEventsAsync()).Where(e => e["subject"]?["id"]?.GetValue<string>() == "export-window").ToList();
        var since = all[1]["time"]!.GetValue<string>();
        var until = all[4]["time"]!.GetValue<string>();
        var expected = all.Where(e => string.CompareOrdinal(e["time"]!.GetValue<string>(), since) >= 0 && string.CompareOrdinal(e["time"]!.GetValue<string>(), until) < 0)
            .Select(e => e["seq"]!.GetValue<long>()).ToList();

        var (_, lines) = await ExportAsync($"format=jsonl&subject=export-window&since={since}&until={until}");
        var seqs = lines.Select(l => AuditEvent.Parse(l).Seq).ToList();
        Assert.Equal(expected, seqs);
        Assert.Equal(seqs.Order(), seqs);

        var record = await LastExportRecordAsync();
        Assert.Equal(since, record["export"]!["filters"]!["since"]!.GetValue<string>());
        Assert.Equal(until, record["export"]!["filters"]!["until"]!.GetValue<string>());
    }

    [Fact]
    public async Task Export_KeyOfAnotherApp_GetsOnlyItsAppsEvents()
    {
        var key = await server.CreateKeyAsync("export-tenant", "decisions", "audit:read");
        var tenant = server.Client(key);
        await DecideAsync(tenant, new { id = "tenant-user" });
        await DecideAsync(tenant, new { id = "tenant-user" });
        await DecideAsync(server.Client(), new { id = "tenant-user" });

        var expected = (await server.AllEventsAsync()).Where(e => e["app"]?.GetValue<string>() == "export-tenant").Select(e => e["seq"]!.GetValue<long>()).ToList();
        var (_, lines) = await ExportAsync("format=jsonl&app=default", tenant);
        Assert.Equal(2, lines.Count(l => JsonNode.Parse(l)!["type"]!.GetValue<string>() == "decision.evaluated"));
        Assert.Equal(expected, lines.Select(l => AuditEvent.Parse(l).Seq));
        Assert.All(lines, l => Assert.Equal("export-tenant", JsonNode.Parse(l)!["app"]!.GetValue<string>()));

        var record = await LastExportRecordAsync();
        Assert.Equal("export-tenant", record["app"]!.GetValue<string>());
        Assert.Equal("export-tenant", record["export"]!["filters"]!["app"]!.GetValue<string>());
        Assert.Equal(expected.Count, record["export"]!["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Export_DefaultFormat_IsJsonl_AndAnEmptyResultIsAnEmptyBody()
    {
        var response = await server.Client().GetAsync("/v1/audit/export?subject=nobody-at-all", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, (await LastExportRecordAsync())["export"]!["count"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("format=xml")]
    [InlineData("format=JSONL")]
    [InlineData("format=csv&format=jsonl")]
    [InlineData("since=yesterday")]
    [InlineData("until=2026-13-45")]
    [InlineData("since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z")]
    [InlineData("subject=a&subject=b")]
    public async Task Export_BadParameters_Are400Problems_AndNotAudited(string query)
    {
        var before = (await server.AllEventsAsync("audit.exported")).Count;
        var response = await server.Client().GetAsync("/v1/audit/export?" + query, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("SU1006", (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["code"]!.GetValue<string>());
        Assert.Equal(before, (await server.AllEventsAsync("audit.exported")).Count);
    }

    [Fact]
    public async Task Export_WithoutAuditReadScope_Is403()
    {
        var key = await server.CreateKeyAsync("export-noscope", "decisions");
        var response = await server.Client(key).GetAsync("/v1/audit/export", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("SU1011", (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["code"]!.GetValue<string>());
    }
}
