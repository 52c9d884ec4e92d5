using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Challenges;

/// <summary>Attempt limits, subject lockout with doubling back-off (fake time), unlock, recovery codes.</summary>
public class LockoutAndRecoveryTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    private async Task<string> ChallengeAsync(string subject, string session)
    {
        var response = await server.Client().PostAsJsonAsync("/v1/decisions", new { subject = new { id = subject, session_id = session }, action = "apikeys.create" });
        var decision = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("step_up", decision["decision"]!.GetValue<string>());
        return decision["challenge"]!["id"]!.GetValue<string>();
    }

    private async Task<HttpResponseMessage> VerifyAsync(string id, string method, string code) =>
        await server.Client().PostAsJsonAsync($"/v1/challenges/{id}/verify", new { method, code });

    private async Task<string> ChallengeForPayeeAsync(string subject, string session)
    {
        var response = await server.Client().PostAsJsonAsync("/v1/decisions", new { subject = new { id = subject, session_id = session }, action = "payments.payees.add" });
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(json["challenge"] is not null, json.ToJsonString());
        return json["challenge"]!["id"]!.GetValue<string>();
    }

    private async Task<IReadOnlyList<string>> RecoveryCodesAsync(string subject)
    {
        var response = await server.Client().PostAsync($"/v1/subjects/{subject}/recovery-codes", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task Challenge_LocksAfterMaxAttempts_With423AndRetryAfter()
    {
        await RecoveryCodesAsync("lock-a");
        var id = await ChallengeForPayeeAsync("lock-a", "s-1");
        for (var left = 4; left >= 1; left--)
        {
            var wrong = await VerifyAsync(id, "recovery_code", "aaaa-aaaa-aaaa");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
            Assert.Equal(left, (await wrong.Content.ReadFromJsonAsync<JsonObject>())!["attempts_left"]!.GetValue<int>());
        }

        var locked = await VerifyAsync(id, "recovery_code", "aaaa-aaaa-aaaa");
        Assert.Equal((HttpStatusCode)423, locked.StatusCode);
        Assert.NotNull(locked.Headers.RetryAfter);
        Assert.Equal("SU1042", (await locked.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        var state = await server.Client().GetFromJsonAsync<JsonObject>($"/v1/challenges/{id}");
        Assert.Equal("locked", state!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Subject_LocksAfterTenFailures_AcrossChallenges_BacksOff_AndUnlocks()
    {
        var codes = await RecoveryCodesAsync("lock-b");
        HttpResponseMessage? last = null;
        for (var i = 0; i < 10; i++)
        {
            var id = await ChallengeForPayeeAsync("lock-b", "s-" + i);
            last = await VerifyAsync(id, "recovery_code", "bbbb-bbbb-bbbb");
        }

        Assert.Equal((HttpStatusCode)423, last!.StatusCode);
        Assert.Equal("SU1043", (await last.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(60, (int)last.Headers.RetryAfter!.Delta!.Value.TotalSeconds);

        var denied = await (await server.Client().PostAsJsonAsync("/v1/decisions", new { subject = new { id = "lock-b", session_id = "s-x" }, action = "records.read" })).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("deny", denied!["decision"]!.GetValue<string>());
        Assert.Contains("subject_locked", denied["reasons"]!.AsArray().Select(r => r!.GetValue<string>()));

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < 10; i++)
        {
            last = await VerifyAsync(await ChallengeForPayeeAsync("lock-b", "t-" + i), "recovery_code", "bbbb-bbbb-bbbb");
        }

        Assert.Equal(120, (int)last!.Headers.RetryAfter!.Delta!.Value.TotalSeconds); // doubled

        var subject = await server.Client().GetFromJsonAsync<JsonObject>("/v1/subjects/lock-b");
        Assert.True(subject!["locked"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await server.Client().PostAsync("/v1/subjects/lock-b/unlock", null)).StatusCode);
        var ok = await VerifyAsync(await ChallengeForPayeeAsync("lock-b", "u-1"), "recovery_code", codes[0]);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var types = (await server.AllEventsAsync()).Select(e => e["type"]!.GetValue<string>()).ToList();
        Assert.Contains("subject.locked", types);
        Assert.Contains("subject.unlocked", types);
        Assert.Contains("recovery_code.used", types);
    }

    [Fact]
    public async Task RecoveryCode_WorksOnce_AndNeverForAal3()
    {
        var codes = await RecoveryCodesAsync("rec-a");
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        var first = await VerifyAsync(await ChallengeForPayeeAsync("rec-a", "s-1"), "recovery_code", codes[3].ToUpperInvariant());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var reused = await VerifyAsync(await ChallengeForPayeeAsync("rec-a", "s-2"), "recovery_code", codes[3]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);

        var aal3 = await VerifyAsync(await ChallengeAsync("rec-a", "s-3"), "recovery_code", codes[4]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, aal3.StatusCode);
        Assert.Equal("SU1045", (await aal3.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());

        var subject = await server.Client().GetFromJsonAsync<JsonObject>("/v1/subjects/rec-a");
        Assert.Equal(9, subject!["recovery_codes_left"]!.GetValue<int>());
        Assert.DoesNotContain(codes[4], (await server.AllEventsAsync()).Select(e => e.ToJsonString()).Aggregate(string.Concat), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"method\": \"sms\", \"code\": \"1\"}")]
    [InlineData("{\"method\": \"totp\"}")]
    [InlineData("{\"method\": \"webauthn\", \"credential\": \"x\"}")]
    [InlineData("[]")]
    public async Task Verify_MalformedBody_Is400(string body)
    {
        var id = await ChallengeForPayeeAsync("bad-body", "s-1");
        var response = await server.Client().PostAsync($"/v1/challenges/{id}/verify", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SU1046", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Challenge_OfAnotherApp_IsNotFound_AndExpiredIs410()
    {
        var id = await ChallengeForPayeeAsync("apps", "s-1");
        var other = server.Client(await server.CreateKeyAsync("app-z", "decisions"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/challenges/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/v1/challenges/{id}/verify", new { method = "totp", code = "123456" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client().GetAsync("/v1/challenges/ch_nope")).StatusCode);

        server.Clock.Advance(TimeSpan.FromMinutes(6));
        var expired = await VerifyAsync(id, "totp", "123456");
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("stepup.challenge.expired", (await server.AllEventsAsync()).Select(e => e["type"]!.GetValue<string>()));
    }
}
