using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Audit;

public class AuditChainApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task ConcurrentDecisions_FormAGapFreeChain_ThatAnIndependentVerifierAccepts()
    {
        const int count = 400;
        var client = server.Client();
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var body = new
            {
                subject = new { id = "user-" + (i % 17), session_id = "s-" + i },
                action = i % 3 == 0 ? "payments.transfer" : "records.read",
                resource = new { type = "transfer", id = "t-" + i, attributes = new { amount = i * 97.5, note = "line\n\"quoted\" é 😀" } },
                context = new { ip = i % 2 == 0 ? "81.2.69.142" : "2001:db8::1", user_agent = "agent/" + i },
            };
            var response = await client.PostAsJsonAsync("/v1/decisions", body, ct);
            response.EnsureSuccessStatusCode();
            ids.Add((await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["decision_id"]!.GetValue<string>());
        });

        var events = await server.AllEventsAsync();
        var decisions = events.Where(e => e["type"]!.GetValue<string>() == "decision.evaluated").Select(e => e["id"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(ids.ToHashSet(), decisions);

        var previous = new string('0', 64);
        for (var i = 0; i < events.Count; i++)
        {
            var evt = events[i];
            Assert.Equal(i + 1, evt["seq"]!.GetValue<long>());
            Assert.Equal(previous, evt["prev_hash"]!.GetValue<string>());
            Assert.Equal(IndependentChain.PayloadDigest(evt), evt["payload_digest"]!.GetValue<string>());
            Assert.Equal(IndependentChain.Hash(evt), evt["hash"]!.GetValue<string>());
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", evt["time"]!.GetValue<string>());
            previous = evt["hash"]!.GetValue<string>();
        }

        var verify = await client.GetFromJsonAsync<JsonObject>("/v1/audit/verify");
        Assert.True(verify!["ok"]!.GetValue<bool>());
        Assert.Equal(events.Count, verify["events_verified"]!.GetValue<long>());
        Assert.Equal(events.Count, verify["last_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task Events_FilterAndPage_WithoutDuplicatesOrHoles()
    {
        var client = server.Client();
        for (var i = 0; i < 7; i++)
        {
            (await client.PostAsJsonAsync("/v1/decisions", new { subject = new { id = "pager", session_id = "sp" }, action = "records.read" })).EnsureSuccessStatusCode();
        }

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?subject=pager&limit=3" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)));
            var events = page!["events"]!.AsArray();
            Assert.True(events.Count <= 3);
            seen.AddRange(events.Select(e => e!["seq"]!.GetValue<long>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(7, seen.Count);
        Assert.Equal(seen.OrderDescending(), seen);
        Assert.Equal(7, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=abc")]
    [InlineData("cursor=%%%")]
    [InlineData("since=yesterday")]
    public async Task Events_BadQuery_Is400(string query)
    {
        var response = await server.Client().GetAsync("/v1/audit/events?" + query);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SU1006", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }
}
