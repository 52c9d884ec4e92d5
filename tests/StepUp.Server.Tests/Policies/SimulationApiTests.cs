using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Server.Policies;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Policies;

/// <summary>
/// <c>POST /v1/policy/simulate</c> end to end: decisions made through <c>/v1/decisions</c> with the
/// example policy, then a candidate replayed over them. The clock is fixed at 08:00 UTC, so the
/// example's night-time rule never applies. Each test works in its own app, so the counts are exact.
/// </summary>
public class SimulationApiTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    private const string OfficeIp = "198.51.100.7"; // in lists.office_networks: risky-context never applies

    private static string Example() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml"));

    private static string RaisedThreshold()
    {
        var text = Example();
        const string threshold = "resource.attributes.amount >= 10000 || risk.new_device";
        Assert.Contains(threshold, text, StringComparison.Ordinal);
        return text.Replace(threshold, "resource.attributes.amount >= 20000 || risk.new_device", StringComparison.Ordinal);
    }

    private static object Transfer(string subject, double amount, string? device = null) => new
    {
        subject = new { id = subject, session_id = "s-" + subject },
        action = "payments.transfer",
        resource = new { type = "transfer", id = "t-" + amount, attributes = new { amount, currency = "EUR" } },
        context = new { ip = OfficeIp, device_id = device, auth = new { level = "aal1", amr = new[] { "pwd" } } },
    };

    private static object Request(string subject, string action) => new { subject = new { id = subject, session_id = "s-" + subject }, action, context = new { ip = OfficeIp } };

    private static async Task<(string Id, string Decision)> DecideAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/v1/decisions", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (json["decision_id"]!.GetValue<string>(), json["decision"]!.GetValue<string>());
    }

    private static async Task<JsonObject> SimulateAsync(HttpClient client, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsJsonAsync("/v1/policy/simulate", body);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.StatusCode == expected, json.ToJsonString());
        return json;
    }

    private static long Long(JsonNode? node) => node!.GetValue<long>();

    [Fact]
    public async Task Simulate_RaisedThreshold_ChangesExactlyTheTransfersFrom10000To19999()
    {
        var client = server.Client(await server.CreateKeyAsync("bank", "decisions", "admin"));
        var expected = new Dictionary<double, string>
        {
            [500] = "allow", [9_999] = "allow", [10_000] = "step_up", [15_000] = "step_up", [19_999] = "step_up", [20_000] = "step_up", [25_000] = "step_up",
        };
        var ids = new Dictionary<double, string>();
        foreach (var (amount, decision) in expected)
        {
            var made = await DecideAsync(client, Transfer("alice", amount));
            Assert.Equal(decision, made.Decision);
            ids[amount] = made.Id;
        }

        // A small transfer from a device never verified: a step-up through risk.new_device, which the
        // replay reads from the stored event (without it the candidate would allow this transfer).
        var device = await DecideAsync(client, Transfer("bob", 50, device: "d-new"));
        Assert.Equal("step_up", device.Decision);
        Assert.Equal("step_up", (await DecideAsync(client, Request("bob", "payments.payees.add"))).Decision);
        Assert.Equal("allow", (await DecideAsync(client, Request("carol", "records.read"))).Decision);

        var report = await SimulateAsync(client, new { policy = RaisedThreshold() });

        Assert.Equal("bank", report["app"]!.GetValue<string>());
        // No Anonymous-IP database here: the candidate's warnings come back as /v1/policy/validate lists them.
        Assert.Contains(report["diagnostics"]!.AsArray(), d => d!["severity"]!.GetValue<string>() == "warning" && d["message"]!.GetValue<string>().Contains("anonymous_ip", StringComparison.Ordinal));
        Assert.Equal(10, Long(report["decisions"]));
        Assert.Equal(3, Long(report["changed"]));
        Assert.Equal(0, Long(report["skipped"]));
        Assert.False(report["truncated"]!.GetValue<bool>());
        var transitions = report["transitions"]!.AsObject().ToDictionary(t => t.Key, t => Long(t.Value));
        Assert.Equal(new Dictionary<string, long>
        {
            ["step_up->allow"] = 3, ["allow->step_up"] = 0, ["allow->deny"] = 0, ["step_up->deny"] = 0, ["deny->allow"] = 0, ["deny->step_up"] = 0,
        }, transitions);

        var changes = report["changes"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.Equal(new[] { ids[10_000], ids[15_000], ids[19_999] }.Order(), changes.Select(c => c["decision_id"]!.GetValue<string>()).Order());
        Assert.All(changes, c =>
        {
            Assert.Equal(("step_up", "allow"), (c["before"]!.GetValue<string>(), c["after"]!.GetValue<string>()));
            Assert.Equal(("alice", "payments.transfer", "bank"), (c["subject"]!.GetValue<string>(), c["action"]!.GetValue<string>(), c["app"]!.GetValue<string>()));
            Assert.Equal(["large-transfer"], c["rules_before"]!.AsArray().Select(r => r!.GetValue<string>()));
            Assert.Empty(c["rules_after"]!.AsArray());
        });

        var byAction = report["by_action"]!.AsArray().ToDictionary(a => a!["action"]!.GetValue<string>(), a => a!.AsObject());
        Assert.Equal(["payments.transfer", "payments.payees.add", "records.read"], byAction.Keys);
        var transfers = byAction["payments.transfer"];
        Assert.Equal((8L, 3L, 6L, 3L), (Long(transfers["decisions"]), Long(transfers["changed"]), Long(transfers["step_up_before"]), Long(transfers["step_up_after"])));
        Assert.Equal(0.75, transfers["step_up_rate_before"]!.GetValue<double>());
        Assert.Equal(0.375, transfers["step_up_rate_after"]!.GetValue<double>());
        var payees = byAction["payments.payees.add"];
        Assert.Equal((1L, 0L, 1L, 1L), (Long(payees["decisions"]), Long(payees["changed"]), Long(payees["step_up_before"]), Long(payees["step_up_after"])));
        Assert.Equal((1L, 0L, 0L, 0L), (Long(byAction["records.read"]["decisions"]), Long(byAction["records.read"]["changed"]),
            Long(byAction["records.read"]["step_up_before"]), Long(byAction["records.read"]["step_up_after"])));

        var rule = report["by_rule"]!.AsArray().Single(r => r!["rule"]!.GetValue<string>() == "large-transfer")!;
        Assert.Equal((6L, 3L, 3L), (Long(rule["before"]), Long(rule["after"]), Long(rule["changed"])));

        // bob: 2 decisions, prompted both times either way; alice: 7 transfers, 5 prompts before, 2 after.
        // Both are prompted twice under the candidate; bob, whose prompts do not drop, comes first.
        var top = report["top_subjects"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.Equal(["bob", "alice"], top.Select(s => s["subject"]!.GetValue<string>()));
        Assert.Equal((2L, 2L, 2L), (Long(top[0]["decisions"]), Long(top[0]["prompts_before"]), Long(top[0]["prompts_after"])));
        Assert.Equal((7L, 5L, 2L), (Long(top[1]["decisions"]), Long(top[1]["prompts_before"]), Long(top[1]["prompts_after"])));
        Assert.Equal(3, Long(report["step_up_rate_per_subject"]!["subjects"]));

        var version = (await server.Client().GetFromJsonAsync<JsonObject>("/v1/policy"))!["version"]!.GetValue<string>();
        Assert.Equal(10, Long(report["stored_policy_versions"]![version]));
    }

    [Fact]
    public async Task Simulate_OperatorKeySeesEveryApp_AnAppKeyOnlyItsOwn()
    {
        var shop = server.Client(await server.CreateKeyAsync("shop", "decisions", "admin"));
        var (id, decision) = await DecideAsync(shop, Transfer("dora", 12_000));
        Assert.Equal("step_up", decision);

        var own = await SimulateAsync(shop, new { policy = RaisedThreshold(), app = "bank" });
        Assert.Equal("shop", own["app"]!.GetValue<string>());
        Assert.Equal(1, Long(own["decisions"]));
        Assert.Equal(id, own["changes"]![0]!["decision_id"]!.GetValue<string>());

        var operatorOne = await SimulateAsync(server.Client(), new { policy = RaisedThreshold(), app = "shop" });
        Assert.Equal(1, Long(operatorOne["decisions"]));
        Assert.Equal(1, Long(operatorOne["changed"]));

        var operatorAll = await SimulateAsync(server.Client(), new { policy = RaisedThreshold(), since = "2000-01-01T00:00:00Z" });
        Assert.False(operatorAll.ContainsKey("app"));
        Assert.Equal(Long(operatorAll["decisions"]), (await server.AllEventsAsync("decision.evaluated")).Count);
        Assert.Contains(operatorAll["changes"]!.AsArray(), c => c!["decision_id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task Simulate_DefaultWindow_IsTheLastSevenDays()
    {
        var client = server.Client(await server.CreateKeyAsync("window", "decisions", "admin"));
        var first = server.Clock.Now;
        await DecideAsync(client, Transfer("erin", 12_000));
        server.Clock.Advance(TimeSpan.FromDays(8));
        await DecideAsync(client, Transfer("erin", 15_000));

        var recent = await SimulateAsync(client, new { policy = RaisedThreshold() });
        Assert.Equal(1, Long(recent["decisions"]));
        Assert.Equal(StepUp.Core.Audit.AuditTime.ToText(server.Clock.Now - TimeSpan.FromDays(7)), recent["since"]!.GetValue<string>());

        var both = await SimulateAsync(client, new { policy = RaisedThreshold(), since = first.ToString("O") });
        Assert.Equal(2, Long(both["decisions"]));
        var none = await SimulateAsync(client, new { policy = RaisedThreshold(), since = first.ToString("O"), until = first.AddDays(1).ToString("O"), max_events = 1, changes = 0 });
        Assert.Equal(1, Long(none["decisions"]));
        Assert.False(none["truncated"]!.GetValue<bool>());
        Assert.Empty(none["changes"]!.AsArray());
        Assert.True(none["changes_truncated"]!.GetValue<bool>());

        var capped = await SimulateAsync(client, new { policy = RaisedThreshold(), since = first.ToString("O"), max_events = 1 });
        Assert.Equal(1, Long(capped["decisions"]));
        Assert.True(capped["truncated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Simulate_InvalidCandidate_Is422_WithEveryErrorAndItsPosition()
    {
        var response = await server.Client().PostAsJsonAsync("/v1/policy/simulate", new
        {
            policy = "version: 1\nrules:\n  - { id: a, effect: block }\n  - { id: b, effect: deny, when: \"nope.x\" }\n",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("SU1020", problem["code"]!.GetValue<string>());
        var errors = problem["diagnostics"]!.AsArray().Where(d => d!["severity"]!.GetValue<string>() == "error").ToList();
        Assert.Equal(2, errors.Count);
        Assert.Equal((3, 22), (errors[0]!["line"]!.GetValue<int>(), errors[0]!["column"]!.GetValue<int>()));
        Assert.Contains("block", errors[0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((4, 35), (errors[1]!["line"]!.GetValue<int>(), errors[1]!["column"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Simulate_BadFields_Are422_NamingEachField()
    {
        var problem = await SimulateAsync(server.Client(), new { since = "yesterday", until = "2026-11-22", max_events = 0, changes = 5000 }, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("SU1004", problem["code"]!.GetValue<string>());
        Assert.Equal(["changes", "max_events", "policy", "since", "until"], problem["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Order());

        var reversed = await SimulateAsync(server.Client(), new { policy = Example(), since = "2026-11-22T00:00:00Z", until = "2026-11-21T00:00:00Z" }, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("since", reversed["errors"]![0]!["field"]!.GetValue<string>());

        var yaml = await server.Client().PostAsync("/v1/policy/simulate", new StringContent(Example(), Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, yaml.StatusCode);
        var malformed = await server.Client().PostAsync("/v1/policy/simulate", new StringContent("{\"policy\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Simulate_WithoutAdminScope_Is403_AndWithoutKey_Is401()
    {
        var reader = server.Client(await server.CreateKeyAsync("auditors", "decisions", "audit:read", "factors"));
        var forbidden = await SimulateAsync(reader, new { policy = Example() }, HttpStatusCode.Forbidden);
        Assert.Equal("SU1011", forbidden["code"]!.GetValue<string>());

        var anonymous = await SimulateAsync(server.Client(key: null), new { policy = Example() }, HttpStatusCode.Unauthorized);
        Assert.Equal("SU1010", anonymous["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Simulate_WhileAnotherRuns_Is429_WithRetryAfter()
    {
        using (var lease = StepUp.Server.Audit.TrailScanGate.TryEnter())
        {
            Assert.NotNull(lease);
            var response = await server.Client().PostAsJsonAsync("/v1/policy/simulate", new { policy = Example() });
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("SU1021", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
            Assert.Equal(TimeSpan.FromSeconds(SimulationEndpoints.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        }

        await SimulateAsync(server.Client(), new { policy = Example() });
    }
}
