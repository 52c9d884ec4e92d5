using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Postgres;

/// <summary>
/// Two StepUp nodes (real processes on two loopback ports) over one PostgreSQL database
/// (issue 7 acceptance): one gap-free chain, state shared and raced correctly across nodes.
/// </summary>
public sealed class MultiNodeTests : IAsyncLifetime
{
    public static readonly string SecretsKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private PostgresCluster _postgres = null!;
    private ServerProcess _a = null!;
    private ServerProcess _b = null!;

    public static string[] NodeSettings(string connectionString) =>
    [
        "--StepUp:Storage:Provider=postgres",
        "--StepUp:Storage:ConnectionString=" + connectionString,
        "--StepUp:Secrets:Key=" + SecretsKey,
        "--Logging:LogLevel:Default=Warning",
    ];

    public async ValueTask InitializeAsync()
    {
        _postgres = PostgresCluster.Shared();
        var database = await _postgres.CreateDatabaseAsync();
        var nodes = await Task.WhenAll(ServerProcess.StartAsync(NodeSettings(database)), ServerProcess.StartAsync(NodeSettings(database)));
        (_a, _b) = (nodes[0], nodes[1]);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    private static object Read(string subject) => new { subject = new { id = subject, session_id = "s-" + subject }, action = "records.read", context = new { ip = "10.0.0.1" } };

    private static object Transfer(string subject, double amount = 25000) => new
    {
        subject = new { id = subject, session_id = "s-" + subject },
        action = "payments.transfer",
        resource = new { type = "transfer", id = "t-" + subject, attributes = new { amount, currency = "EUR" } },
        context = new { ip = "10.0.0.1" },
    };

    private static async Task<JsonObject> DecideAsync(ServerProcess node, object body, string? token = null)
    {
        using var client = node.Client();
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body))!.AsObject();
        if (token is not null)
        {
            json["elevation_token"] = token;
        }

        var response = await client.PostAsJsonAsync("/v1/decisions", json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<List<JsonObject>> AllEventsAsync(ServerProcess node)
    {
        using var client = node.Client();
        var events = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?limit=1000" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)));
            events.AddRange(page!["events"]!.AsArray().Select(e => e!.AsObject()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        events.Reverse();
        return events;
    }

    [Fact]
    public async Task ConcurrentDecisionsOnBothNodes_MakeOneGapFreeChain_WithEveryAcknowledgedEvent()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 120).Select(async i =>
        {
            var node = i % 2 == 0 ? _a : _b;
            var decision = await DecideAsync(node, i % 3 == 0 ? Transfer("chain-" + i) : Read("chain-" + i));
            return decision["decision_id"]!.GetValue<string>();
        }));

        var events = await AllEventsAsync(_b);
        var seqs = events.Select(e => e["seq"]!.GetValue<long>()).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        var stored = events.Select(e => e["id"]!.GetValue<string>()).ToHashSet();
        Assert.All(ids, id => Assert.Contains(id, stored));

        using var client = _a.Client();
        var verify = await client.GetFromJsonAsync<JsonObject>("/v1/audit/verify");
        Assert.True(verify!["ok"]!.GetValue<bool>(), verify.ToJsonString());
    }

    [Fact]
    public async Task ChallengeFromA_VerifiesOnB_OnceGrantAndOneCode_EachSucceedOnce_WhenRacedFromBothNodes()
    {
        using var a = _a.Client();
        using var b = _b.Client();
        var codes = (await (await a.PostAsync("/v1/subjects/rita/recovery-codes", null)).Content.ReadFromJsonAsync<JsonObject>())!["codes"]!.AsArray()
            .Select(c => c!.GetValue<string>()).ToList();

        // Created on A, verified on B.
        var challenge = (await DecideAsync(_a, Transfer("rita")))["challenge"]!["id"]!.GetValue<string>();
        var verified = await b.PostAsJsonAsync($"/v1/challenges/{challenge}/verify", new { method = "recovery_code", code = codes[0] });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var token = (await verified.Content.ReadFromJsonAsync<JsonObject>())!["elevation"]!["token"]!.GetValue<string>();

        // The once grant, raced from both nodes: exactly one allow.
        var raced = await Task.WhenAll(DecideAsync(_a, Transfer("rita"), token), DecideAsync(_b, Transfer("rita"), token));
        Assert.Single(raced, d => d["decision"]!.GetValue<string>() == "allow");

        // One code, raced on two challenges from both nodes: accepted once.
        var first = (await DecideAsync(_a, Transfer("rita", 30000)))["challenge"]!["id"]!.GetValue<string>();
        var second = (await DecideAsync(_b, Transfer("rita", 40000)))["challenge"]!["id"]!.GetValue<string>();
        var answers = await Task.WhenAll(
            a.PostAsJsonAsync($"/v1/challenges/{first}/verify", new { method = "recovery_code", code = codes[1] }),
            b.PostAsJsonAsync($"/v1/challenges/{second}/verify", new { method = "recovery_code", code = codes[1] }));
        Assert.Single(answers, r => r.StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task FailuresOnBothNodes_CountTowardsOneLockout()
    {
        using var a = _a.Client();
        using var b = _b.Client();
        await a.PostAsync("/v1/subjects/lou/recovery-codes", null);
        var responses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            var node = i % 2 == 0 ? _a : _b;
            using var client = node.Client();
            var challenge = (await DecideAsync(node, Transfer("lou", 20000 + i)))["challenge"]?["id"]?.GetValue<string>();
            if (challenge is null)
            {
                break; // locked: the decision is a deny
            }

            responses.Add((await client.PostAsJsonAsync($"/v1/challenges/{challenge}/verify", new { method = "recovery_code", code = "wrong-code-" + i })).StatusCode);
        }

        // The example policy locks at 10 consecutive failures, counted across both nodes.
        Assert.Equal(HttpStatusCode.Locked, responses[^1]);
        Assert.Equal("deny", (await DecideAsync(_b, Transfer("lou")))["decision"]!.GetValue<string>());
        var subject = await a.GetFromJsonAsync<JsonObject>("/v1/subjects/lou");
        Assert.True(subject!["locked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DetectorWindows_CountFailuresFromBothNodes_AndRaiseOneAlert()
    {
        using var a = _a.Client();
        using var b = _b.Client();
        await a.PostAsync("/v1/subjects/dora/recovery-codes", null);

        async Task FailAsync(ServerProcess node, int i)
        {
            using var client = node.Client();
            var challenge = (await DecideAsync(node, Transfer("dora", 21000 + i)))["challenge"]!["id"]!.GetValue<string>();
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostAsJsonAsync($"/v1/challenges/{challenge}/verify", new { method = "recovery_code", code = "wrong-" + i })).StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            await FailAsync(_a, i);
        }

        await Task.Delay(1500); // the other node reads the shared trail twice a second
        for (var i = 3; i < 5; i++)
        {
            await FailAsync(_b, i);
        }

        await Task.Delay(1500);
        await FailAsync(_a, 5); // a sixth failure, on the other node: no second alert in the window

        var alerts = (await a.GetFromJsonAsync<JsonObject>("/v1/alerts"))!["alerts"]!.AsArray()
            .Where(x => x!["detector"]!.GetValue<string>() == "subject_failures" && x["subject"]?.GetValue<string>() == "dora").ToList();
        var alert = Assert.Single(alerts);
        Assert.Equal(5, alert!["count"]!.GetValue<int>());

        // risk.failures_1h on node A counts all six, two of them recorded by node B.
        var decisionId = (await DecideAsync(_a, Transfer("dora", 1)))["decision_id"]!.GetValue<string>();
        var evaluated = (await AllEventsAsync(_a)).Single(e => e["id"]!.GetValue<string>() == decisionId);
        Assert.Equal(6, evaluated["risk"]!["failures_1h"]!.GetValue<int>());
    }

    [Fact]
    public async Task OneTotpCode_RacedOnBothNodes_IsAcceptedOnce_AndThenRefusedEverywhere()
    {
        using var a = _a.Client();
        using var b = _b.Client();
        var enrolment = (await (await a.PostAsync("/v1/subjects/tom/factors/totp", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        var secret = enrolment["secret"]!.GetValue<string>();
        var activate = await b.PostAsJsonAsync($"/v1/subjects/tom/factors/totp/{enrolment["factor_id"]}/activate",
            new { code = Oathtool.Totp(secret, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.OK, activate.StatusCode); // enrolled on A, activated on B

        // The next step's code (accepted one step early), on a challenge from each node, raced.
        var code = Oathtool.Totp(secret, DateTimeOffset.UtcNow.AddSeconds(30));
        var onA = (await DecideAsync(_a, Transfer("tom", 31000)))["challenge"]!["id"]!.GetValue<string>();
        var onB = (await DecideAsync(_b, Transfer("tom", 32000)))["challenge"]!["id"]!.GetValue<string>();
        var answers = await Task.WhenAll(
            a.PostAsJsonAsync($"/v1/challenges/{onA}/verify", new { method = "totp", code }),
            b.PostAsJsonAsync($"/v1/challenges/{onB}/verify", new { method = "totp", code }));
        Assert.Single(answers, r => r.StatusCode == HttpStatusCode.OK);

        // The code stays used on either node.
        var third = (await DecideAsync(_b, Transfer("tom", 33000)))["challenge"]!["id"]!.GetValue<string>();
        var replay = await a.PostAsJsonAsync($"/v1/challenges/{third}/verify", new { method = "totp", code });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, replay.StatusCode);
        Assert.Equal("replayed_code", (await replay.Content.ReadFromJsonAsync<JsonObject>())!["reason"]!.GetValue<string>());
    }
}
