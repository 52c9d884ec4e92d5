using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;
using static StepUp.Server.Tests.Audit.Sinks.SinkTestKit;

namespace StepUp.Server.Tests.Audit.Sinks;

/// <summary>The webhook sink against a real loopback receiver that checks every signature itself.</summary>
public class WebhookSinkTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Webhook_RetriesWithBackoff_ThroughAReceiverThatFailsTwice_ThenDeliversInOrder()
    {
        var clock = new TimerTestClock(Start);
        await using var receiver = await WebhookReceiver.StartAsync(Secret, clock);
        receiver.FailNext(2);
        await using var server = new SinkServer(Webhook(0, "hook", receiver.Url, "decision.*").Concat(Sink(0, ("BatchSize", "10"))), clock);
        using var client = server.Client();

        var decisions = new List<string>();
        foreach (var subject in (string[])["alice", "bob", "carol"])
        {
            decisions.Add(await DecideAsync(client, Transfer(subject)));
        }

        // Attempt 1 fails at once; the next waits for the back-off: 0.5–1 s after the first failure.
        await receiver.WaitUntilAsync(r => r.Requests.Count >= 1, TimeSpan.FromSeconds(30), "the first attempt");
        var first = await WaitForStatusAsync(client, "hook", s => s["failures"]!.GetValue<int>() == 1 && s["next_attempt_at"] is not null, "first failure");
        Assert.Equal("retrying", first["state"]!.GetValue<string>());
        Assert.Equal("HTTP 500", first["last_error"]!.GetValue<string>());
        var gap1 = Time(first["next_attempt_at"]) - Time(first["last_attempt_at"]);
        Assert.InRange(gap1, TimeSpan.FromMilliseconds(499), TimeSpan.FromSeconds(1));
        await Task.Delay(300);
        Assert.Single(receiver.Requests);

        await PumpUntilAsync(clock, Time(first["next_attempt_at"]), () => receiver.Requests.Count >= 2);
        var second = await WaitForStatusAsync(client, "hook", s => s["failures"]!.GetValue<int>() == 2 && s["next_attempt_at"] is not null, "second failure");
        var gap2 = Time(second["next_attempt_at"]) - Time(second["last_attempt_at"]);
        Assert.InRange(gap2, TimeSpan.FromMilliseconds(999), TimeSpan.FromSeconds(2));
        await Task.Delay(300);
        Assert.Equal(2, receiver.Requests.Count);

        await PumpUntilAsync(clock, Time(second["next_attempt_at"]), () => receiver.Requests.Count >= 3);
        await receiver.WaitUntilAsync(r => decisions.All(id => r.Accepted.Any(e => e["id"]!.GetValue<string>() == id)), TimeSpan.FromSeconds(30), "all decisions accepted");

        var requests = receiver.Requests;
        Assert.All(requests, r => Assert.True(r.SignatureValid, "every request carries a valid, fresh signature"));
        Assert.Equal([500, 500, 200], requests.Take(3).Select(r => r.Status));
        // A retry is signed anew: its t is the (fake) time of that attempt, not of the first one.
        Assert.Equal(requests.Select(r => (long?)r.At.ToUnixTimeSeconds()), requests.Select(r => r.T));
        Assert.True(requests[2].T - requests[0].T >= 1);
        foreach (var group in requests.GroupBy(r => (First: r.Events[0]["seq"]!.GetValue<long>(), Last: r.Events[^1]["seq"]!.GetValue<long>())))
        {
            Assert.Single(group.Select(r => r.DeliveryId).Distinct());
        }

        // Delivered in order, nothing skipped, exactly what the log holds.
        var logged = (await server.AllEventsAsync("decision.evaluated")).ToDictionary(e => e["id"]!.GetValue<string>());
        var accepted = receiver.Accepted.DistinctBy(e => e["id"]!.GetValue<string>()).ToList();
        Assert.Equal(decisions, accepted.Select(e => e["id"]!.GetValue<string>()));
        Assert.All(accepted, e => Assert.True(JsonNode.DeepEquals(logged[e["id"]!.GetValue<string>()], e), "the webhook carries the event exactly as exported"));

        var recovered = await WaitForStatusAsync(client, "hook", s => s["lag"]!.GetValue<long>() == 0 && s["state"]!.GetValue<string>() == "idle", "caught up");
        Assert.Equal(0, recovered["failures"]!.GetValue<int>());
        Assert.Null(recovered["last_error"]);
        Assert.Null(recovered["next_attempt_at"]);
        Assert.Equal(["decision.*"], recovered["types"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task Webhook_FiltersByEventType()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var server = new SinkServer(
            Webhook(0, "decisions", receiver.Url, "decision.*")
                .Concat(Webhook(1, "keys", new Uri(receiver.Url + "?sink=keys"), "apikey.**")));
        using var client = server.Client();

        var decision = await DecideAsync(client, Transfer("dave"));
        await server.CreateKeyAsync("payments-api", "decisions");

        await receiver.WaitUntilAsync(r => r.Accepted.Any(e => e["type"]!.GetValue<string>() == "apikey.created") && r.Accepted.Any(e => e["id"]!.GetValue<string>() == decision),
            TimeSpan.FromSeconds(30), "both sinks");
        Assert.All(receiver.Accepted, e => Assert.Contains(e["type"]!.GetValue<string>(), (string[])["decision.evaluated", "apikey.created"]));
        Assert.DoesNotContain(receiver.Accepted, e => e["type"]!.GetValue<string>() == "policy.loaded");
    }

    [Fact]
    public async Task SinkStatus_IsForOperatorKeysOnly()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var server = new SinkServer(Webhook(0, "hook", receiver.Url));
        var appKey = await server.CreateKeyAsync("payments-api", "audit:read");

        var forbidden = await server.Client(appKey).GetAsync("/v1/audit/sinks");
        var anonymous = await server.Client(null).GetAsync("/v1/audit/sinks");
        var status = await server.Client().GetFromJsonAsync<JsonObject>("/v1/audit/sinks");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("SU1011", (await forbidden.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var sink = status!["sinks"]!.AsArray().Single()!.AsObject();
        Assert.Equal("hook", sink["name"]!.GetValue<string>());
        Assert.Equal("webhook", sink["type"]!.GetValue<string>());
        Assert.DoesNotContain(Secret, status.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), status.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Jumps the fake clock to <paramref name="due"/>, then nudges it in small steps until
    /// <paramref name="condition"/> holds (covers the moment between publishing a retry time and arming its timer).
    /// </summary>
    private static async Task PumpUntilAsync(TimerTestClock clock, DateTimeOffset due, Func<bool> condition)
    {
        clock.AdvanceTo(due);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the retry did not happen after the back-off elapsed");
            await Task.Delay(200);
            if (!condition())
            {
                clock.Advance(TimeSpan.FromMilliseconds(50));
            }
        }
    }
}
