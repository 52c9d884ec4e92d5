using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Challenges;

/// <summary>The full flow over HTTP with TOTP (issue 3 acceptance), with codes from oathtool and a fake clock.</summary>
public class TotpStepUpFlowTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    private static object Transfer(string subject, string session, string id = "t-1", double amount = 12000) => new
    {
        subject = new { id = subject, session_id = session },
        action = "payments.transfer",
        resource = new { type = "transfer", id, attributes = new { amount, currency = "EUR" } },
        context = new { ip = "81.2.69.142", auth = new { level = "aal1", amr = new[] { "pwd" } } },
    };

    private async Task<JsonObject> DecideAsync(object body, string? token = null)
    {
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body))!.AsObject();
        if (token is not null)
        {
            json["elevation_token"] = token;
        }

        var response = await server.Client().PostAsJsonAsync("/v1/decisions", json);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> VerifyAsync(string challengeId, string code)
    {
        var response = await server.Client().PostAsJsonAsync($"/v1/challenges/{challengeId}/verify", new { method = "totp", code });
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    /// <summary>Enrols TOTP for a subject (no factor yet, so no step-up needed) and returns its secret.</summary>
    private async Task<string> EnrollTotpAsync(string subject)
    {
        var response = await server.Client().PostAsync($"/v1/subjects/{subject}/factors/totp", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var enrolment = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var secret = enrolment["secret"]!.GetValue<string>();
        Assert.StartsWith("otpauth://totp/", enrolment["otpauth_uri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("<svg", enrolment["qr_svg"]!.GetValue<string>(), StringComparison.Ordinal);
        var activate = await server.Client().PostAsJsonAsync($"/v1/subjects/{subject}/factors/totp/{enrolment["factor_id"]}/activate",
            new { code = Oathtool.Totp(secret, server.Clock.Now) });
        Assert.Equal(HttpStatusCode.OK, activate.StatusCode);
        server.Clock.Advance(TimeSpan.FromSeconds(30)); // the activation code's step is used up
        return secret;
    }

    [Fact]
    public async Task StepUp_WithTotp_GrantsAnElevationBoundToSessionActionAndResource_UsedOnce()
    {
        var first = await DecideAsync(Transfer("tina", "s-1"));
        Assert.Equal("step_up", first["decision"]!.GetValue<string>());
        Assert.True(first["challenge"]!["enrollment_required"]!.GetValue<bool>());

        var secret = await EnrollTotpAsync("tina");
        var decision = await DecideAsync(Transfer("tina", "s-1"));
        var challenge = decision["challenge"]!;
        Assert.Equal(["totp"], challenge["available_methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Contains("/challenge/", challenge["url"]!.GetValue<string>(), StringComparison.Ordinal);
        var id = challenge["id"]!.GetValue<string>();

        var (wrongStatus, wrong) = await VerifyAsync(id, "000000" == Oathtool.Totp(secret, server.Clock.Now) ? "111111" : "000000");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongStatus);
        Assert.Equal(4, wrong["attempts_left"]!.GetValue<int>());
        Assert.Equal("SU1040", wrong["code"]!.GetValue<string>());
        var state = await server.Client().GetFromJsonAsync<JsonObject>($"/v1/challenges/{id}");
        Assert.Equal(4, state!["attempts_left"]!.GetValue<int>());

        var code = Oathtool.Totp(secret, server.Clock.Now);
        var (status, verified) = await VerifyAsync(id, code);
        Assert.Equal(HttpStatusCode.OK, status);
        var elevation = verified["elevation"]!;
        Assert.Equal("aal2", elevation["level"]!.GetValue<string>());
        Assert.Equal(["pwd", "otp", "mfa"], elevation["amr"]!.AsArray().Select(a => a!.GetValue<string>()));
        var token = elevation["token"]!.GetValue<string>();

        // The same request now passes, once (the rule says once: true), with or without the token.
        var allowed = await DecideAsync(Transfer("tina", "s-1"), token);
        Assert.Equal("allow", allowed["decision"]!.GetValue<string>());
        Assert.Equal("step_up", (await DecideAsync(Transfer("tina", "s-1"), token))["decision"]!.GetValue<string>());

        // The code cannot be replayed on a new challenge.
        var again = (await DecideAsync(Transfer("tina", "s-1")))["challenge"]!["id"]!.GetValue<string>();
        var (replayStatus, replay) = await VerifyAsync(again, code);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, replayStatus);
        Assert.Equal("replayed_code", replay["reason"]!.GetValue<string>());

        var events = await server.AllEventsAsync();
        var types = events.Select(e => e["type"]!.GetValue<string>()).ToList();
        Assert.Contains("stepup.challenge.created", types);
        Assert.Contains("stepup.challenge.failed", types);
        Assert.Contains("stepup.challenge.verified", types);
        Assert.Contains("elevation.granted", types);
        Assert.Contains("elevation.used", types);
        Assert.Contains("factor.enrolled", types);
        var all = string.Join("\n", events.Select(e => e.ToJsonString()));
        Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        Assert.DoesNotContain(token, all, StringComparison.Ordinal);
        Assert.DoesNotContain("\"" + code + "\"", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Elevation_DoesNotCarryOver_ToAnotherSessionActionResourceOrApp_OrPastMaxAge()
    {
        var secret = await EnrollTotpAsync("uma");
        var request = new
        {
            subject = new { id = "uma", session_id = "s-2" },
            action = "payments.payees.add",
            resource = new { type = "payee", id = "p-1" },
        };
        var id = (await DecideAsync(request))["challenge"]!["id"]!.GetValue<string>();
        var (status, verified) = await VerifyAsync(id, Oathtool.Totp(secret, server.Clock.Now));
        Assert.Equal(HttpStatusCode.OK, status);
        var token = verified["elevation"]!["token"]!.GetValue<string>();

        Assert.Equal("allow", (await DecideAsync(request))["decision"]!.GetValue<string>());
        Assert.Equal("allow", (await DecideAsync(request))["decision"]!.GetValue<string>()); // not once

        var otherSession = new { subject = new { id = "uma", session_id = "s-3" }, action = "payments.payees.add", resource = new { type = "payee", id = "p-1" } };
        Assert.Equal("step_up", (await DecideAsync(otherSession, token))["decision"]!.GetValue<string>());
        var otherAction = new { subject = new { id = "uma", session_id = "s-2" }, action = "payments.payees.remove", resource = new { type = "payee", id = "p-1" } };
        Assert.Equal("step_up", (await DecideAsync(otherAction, token))["decision"]!.GetValue<string>());

        var otherApp = server.Client(await server.CreateKeyAsync("other-app", "decisions"));
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(request))!.AsObject();
        json["elevation_token"] = token;
        var foreign = await (await otherApp.PostAsJsonAsync("/v1/decisions", json)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("step_up", foreign!["decision"]!.GetValue<string>());

        var violations = await server.AllEventsAsync("elevation.scope_violation");
        Assert.Contains(violations, v => v["reason"]!.GetValue<string>() == "other_session");
        Assert.Contains(violations, v => v["reason"]!.GetValue<string>() == "other_action");

        server.Clock.Advance(TimeSpan.FromMinutes(11)); // the payee rule's max_age is 10m
        Assert.Equal("step_up", (await DecideAsync(request))["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task BoundResource_WithOtherAttributes_NeedsAnotherStepUp()
    {
        var secret = await EnrollTotpAsync("vic");
        var id = (await DecideAsync(Transfer("vic", "s-4", "t-7", 12000)))["challenge"]!["id"]!.GetValue<string>();
        var (status, _) = await VerifyAsync(id, Oathtool.Totp(secret, server.Clock.Now));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("step_up", (await DecideAsync(Transfer("vic", "s-4", "t-7", 90000)))["decision"]!.GetValue<string>());
        Assert.Equal("step_up", (await DecideAsync(Transfer("vic", "s-4", "t-8", 12000)))["decision"]!.GetValue<string>());
        Assert.Equal("allow", (await DecideAsync(Transfer("vic", "s-4", "t-7", 12000)))["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConcurrentVerifications_OfOneCode_SucceedExactlyOnce()
    {
        var secret = await EnrollTotpAsync("walt");
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await DecideAsync(Transfer("walt", "s-c" + i)))["challenge"]!["id"]!.GetValue<string>());
        }

        var code = Oathtool.Totp(secret, server.Clock.Now);
        var results = await Task.WhenAll(ids.Select(id => VerifyAsync(id, code)));
        Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.OK));
    }

    [Fact]
    public async Task DriftBeyondOneStep_Fails_WithinOneStep_Succeeds()
    {
        var secret = await EnrollTotpAsync("xena");
        var id = (await DecideAsync(Transfer("xena", "s-d")))["challenge"]!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await VerifyAsync(id, Oathtool.Totp(secret, server.Clock.Now.AddSeconds(-60)))).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await VerifyAsync(id, Oathtool.Totp(secret, server.Clock.Now.AddSeconds(90)))).Status);
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(id, Oathtool.Totp(secret, server.Clock.Now.AddSeconds(30)))).Status);
    }

    [Fact]
    public async Task AddingASecondFactor_RequiresAFreshElevationForFactorsEnroll()
    {
        var secret = await EnrollTotpAsync("yuri");
        var refused = await server.Client().PostAsync("/v1/subjects/yuri/factors/totp", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("SU1047", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());

        var id = (await DecideAsync(new { subject = new { id = "yuri", session_id = "s-f" }, action = "factors.enroll" }))["challenge"]!["id"]!.GetValue<string>();
        var (_, verified) = await VerifyAsync(id, Oathtool.Totp(secret, server.Clock.Now));
        var token = verified["elevation"]!["token"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/subjects/yuri/factors/totp");
        request.Headers.Add("X-StepUp-Elevation", token);
        Assert.Equal(HttpStatusCode.Created, (await server.Client().SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Subjects_ArePerApp_AnotherAppSeesNoFactors_AndCannotLockOrAnswer()
    {
        var secret = await EnrollTotpAsync("zoe");
        var other = server.Client(await server.CreateKeyAsync("app-iso", "decisions", "factors"));
        var seen = await other.GetFromJsonAsync<JsonObject>("/v1/subjects/zoe");
        Assert.Empty(seen!["factors"]!.AsArray());

        var body = new { subject = new { id = "zoe", session_id = "s-iso" }, action = "payments.payees.add" };
        var decision = await (await other.PostAsJsonAsync("/v1/decisions", body)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(decision!["challenge"]!["enrollment_required"]!.GetValue<bool>());
        var id = decision["challenge"]!["id"]!.GetValue<string>();
        var verify = await other.PostAsJsonAsync($"/v1/challenges/{id}/verify", new { method = "totp", code = Oathtool.Totp(secret, server.Clock.Now) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, verify.StatusCode);

        var mine = await server.Client().GetFromJsonAsync<JsonObject>("/v1/subjects/zoe");
        Assert.Single(mine!["factors"]!.AsArray());
        Assert.Equal(0, mine["consecutive_failures"]!.GetValue<int>());
    }

    [Fact]
    public async Task FactorChangeDecision_NeedsAal2_EvenWithoutAPolicyRule_OnceTheSubjectHasAFactor()
    {
        var before = await DecideAsync(new { subject = new { id = "abe", session_id = "s-b" }, action = "factors.remove" });
        Assert.Equal("step_up", before["decision"]!.GetValue<string>()); // the example policy's factor-changes rule
        await EnrollTotpAsync("abe");
        var after = await DecideAsync(new { subject = new { id = "abe", session_id = "s-b" }, action = "factors.remove" });
        Assert.Equal("aal2", after["required"]!["level"]!.GetValue<string>());
    }
}
