using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Server.Audit.Stream;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Audit;

/// <summary>A server whose idle streams send a heartbeat every 200 ms instead of 15 s.</summary>
public sealed class FastHeartbeatServerFixture : ServerFixture
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [new("StepUp:Audit:Stream:HeartbeatInterval", "00:00:00.200")];
}

public class AuditStreamApiTests(FastHeartbeatServerFixture server) : IClassFixture<FastHeartbeatServerFixture>
{
    private static async Task<string> DecideAsync(HttpClient client, string subject, string action = "records.read")
    {
        var response = await client.PostAsJsonAsync("/v1/decisions", new { subject = new { id = subject, session_id = "s-" + subject }, action });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["decision_id"]!.GetValue<string>();
    }

    private static async Task<(HttpResponseMessage Response, SseTestReader Reader)> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var reader = new SseTestReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var opening = await reader.NextAsync();
        Assert.Contains("stepup audit stream", opening!.Comments);
        return (response, reader);
    }

    private static void AssertEvent(SseTestReader.Frame frame, string expectedId, string expectedSubject)
    {
        var data = JsonNode.Parse(frame.Data!)!.AsObject();
        Assert.Equal(data["seq"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture), frame.Id);
        Assert.Equal(data["type"]!.GetValue<string>(), frame.Event);
        Assert.Equal(expectedId, data["id"]!.GetValue<string>());
        Assert.Equal(expectedSubject, data["subject"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_LiveTail_SendsNewMatchingEvents_AsTheyCommit()
    {
        var client = server.Client();
        await DecideAsync(client, "sse-live"); // before the stream opened: not replayed
        var (response, reader) = await OpenAsync(client, "/v1/audit/stream?subject=sse-live&type=decision.evaluated");
        using (response)
        using (reader)
        {
            var first = await DecideAsync(client, "sse-live");
            await DecideAsync(client, "sse-other");
            var second = await DecideAsync(client, "sse-live");

            var a = await reader.NextEventAsync();
            var b = await reader.NextEventAsync();
            AssertEvent(a, first, "sse-live");
            AssertEvent(b, second, "sse-live");
            Assert.Equal("decision.evaluated", a.Event);
            Assert.True(long.Parse(b.Id!, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(a.Id!, System.Globalization.CultureInfo.InvariantCulture));

            // The stored event, byte for byte: what /v1/audit/events returns for it.
            var page = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?subject=sse-live&limit=1", TestContext.Current.CancellationToken);
            Assert.Equal(page!["events"]![0]!.ToJsonString(), JsonNode.Parse(b.Data!)!.ToJsonString());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Stream_Resume_ReplaysStoredEventsAfterTheSeq_ThenGoesLive(bool header)
    {
        var client = server.Client();
        var subject = "sse-resume-" + header;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await DecideAsync(client, subject));
        }

        var page = await client.GetFromJsonAsync<JsonObject>($"/v1/audit/events?subject={subject}", TestContext.Current.CancellationToken);
        var firstSeq = page!["events"]!.AsArray().Select(e => e!["seq"]!.GetValue<long>()).Min().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (response, reader) = header
            ? await OpenAsync(client, $"/v1/audit/stream?subject={subject}&after=999999999", lastEventId: firstSeq)
            : await OpenAsync(client, $"/v1/audit/stream?subject={subject}&after={firstSeq}");
        using (response)
        using (reader)
        {
            AssertEvent(await reader.NextEventAsync(), ids[1], subject);
            AssertEvent(await reader.NextEventAsync(), ids[2], subject);
            var live = await DecideAsync(client, subject);
            AssertEvent(await reader.NextEventAsync(), live, subject);
        }
    }

    [Fact]
    public async Task Stream_Idle_SendsHeartbeatComments()
    {
        var (response, reader) = await OpenAsync(server.Client(), "/v1/audit/stream?subject=sse-nobody");
        using (response)
        using (reader)
        {
            var frame = await reader.NextAsync(TimeSpan.FromSeconds(5));
            Assert.Contains("heartbeat", frame!.Comments);
            Assert.Null(frame.Data);
            frame = await reader.NextAsync(TimeSpan.FromSeconds(5));
            Assert.Contains("heartbeat", frame!.Comments);
        }
    }

    [Fact]
    public async Task Stream_KeyOfAnotherApp_SeesOnlyItsOwnApp()
    {
        var key = await server.CreateKeyAsync("sse-tenant", "decisions", "audit:read");
        var tenant = server.Client(key);
        await DecideAsync(server.Client(), "sse-tenant-user"); // app "default"
        var own = await DecideAsync(tenant, "sse-tenant-user");

        // ?app= of another app is ignored for such a key; after=0 replays everything it may see.
        var (response, reader) = await OpenAsync(tenant, "/v1/audit/stream?after=0&app=default&type=decision.evaluated");
        using (response)
        using (reader)
        {
            var frame = await reader.NextEventAsync();
            AssertEvent(frame, own, "sse-tenant-user");
            Assert.Equal("sse-tenant", JsonNode.Parse(frame.Data!)!["app"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Stream_ClientDisconnect_EndsTheStream()
    {
        var connections = server.Services.GetRequiredService<AuditStreamConnections>();
        var (response, reader) = await OpenAsync(server.Client(), "/v1/audit/stream?subject=sse-leaver");
        Assert.True(connections.Active >= 1);
        reader.Dispose();
        response.Dispose();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (connections.Active > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, connections.Active);
    }

    [Theory]
    [InlineData("after=-1", null)]
    [InlineData("after=abc", null)]
    [InlineData("after=1&after=2", null)]
    [InlineData("type=a&type=b", null)]
    [InlineData("since=2026-01-01T00:00:00Z", null)]
    [InlineData("", "abc")]
    [InlineData("", "-5")]
    public async Task Stream_BadParameters_Are400Problems(string query, string? lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/audit/stream?" + query);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await server.Client().SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("SU1006", (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_WithoutAuditReadScope_Is403()
    {
        var key = await server.CreateKeyAsync("sse-noscope", "decisions");
        var response = await server.Client(key).GetAsync("/v1/audit/stream", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}

public class AuditStreamShutdownTests
{
    [Fact]
    public async Task Stream_ServerStop_EndsTheStreamPromptly()
    {
        var server = new ServerFixture();
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/audit/stream");
        var response = await server.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var reader = new SseTestReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        Assert.NotNull(await reader.NextAsync());

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var stop = server.DisposeAsync().AsTask();
        var ended = await ReadsToEndAsync(reader);
        await stop.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.True(ended);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopwatch.Elapsed}");
        response.Dispose();
    }

    private static async Task<bool> ReadsToEndAsync(SseTestReader reader)
    {
        try
        {
            while (await reader.NextAsync(TimeSpan.FromSeconds(10)) is not null)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true; // the host aborted the response: also an end
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }
}
