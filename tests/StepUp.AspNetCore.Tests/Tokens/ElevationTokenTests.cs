using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.AspNetCore.Tests.Infrastructure;

namespace StepUp.AspNetCore.Tests.Tokens;

/// <summary>
/// Elevation tokens from real verifications (recovery codes) presented in <c>X-StepUp-Token</c>:
/// checked locally when not <c>once</c>, online when <c>once</c>, and refused for anything they were not issued for.
/// </summary>
[Collection(StepUpServerCollection.Name)]
public sealed class ElevationTokenTests(StepUpServerFixture fixture)
{
    [Fact]
    public async Task NonOnceToken_IsAcceptedLocally_WithoutAskingStepUp()
    {
        await using var app = await TestApp.StartAsync(fixture);
        var user = TestUser.New();
        var codes = await fixture.EnrolAsync(user.Id);
        var token = await StepUpFlow.ElevateAsync(fixture, () => app.GetAsync("/bound/d-1", user), codes);
        var decisionsBefore = (await fixture.EventsAsync(user.Id, "decision.evaluated")).Count;

        for (var i = 0; i < 3; i++)
        {
            var body = await StepUpFlow.AllowedAsync(await app.GetAsync("/bound/d-1", user, token));
            Assert.Equal("LocalToken", body["source"]!.GetValue<string>());
            Assert.Null(body["decision_id"]);
            Assert.StartsWith("el_", body["elevation_id"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(decisionsBefore, (await fixture.EventsAsync(user.Id, "decision.evaluated")).Count);
        Assert.Equal(3, app.Hits.Count);
    }

    [Fact]
    public async Task OnceToken_GoesOnline_AndWorksExactlyOnce_WithTheBodyStillBindable()
    {
        await using var app = await TestApp.StartAsync(fixture);
        var user = TestUser.New();
        var codes = await fixture.EnrolAsync(user.Id);
        var transfer = new Transfer("t-once", 12000m);
        var token = await StepUpFlow.ElevateAsync(fixture, () => app.SendAsync(HttpMethod.Post, "/transfers", user, json: transfer), codes);

        var first = await StepUpFlow.AllowedAsync(await app.SendAsync(HttpMethod.Post, "/transfers", user, token, transfer));
        Assert.Equal("Decision", first["source"]!.GetValue<string>());
        Assert.Equal(12000m, first["amount"]!.GetValue<decimal>());
        var elevationId = first["elevation_id"]!.GetValue<string>();
        var audited = await fixture.DecisionEventAsync(user.Id, first["decision_id"]!.GetValue<string>());
        Assert.Equal("allow", audited["decision"]!["effect"]!.GetValue<string>());
        Assert.Single(await fixture.EventsAsync(user.Id, "elevation.used"), e => e.ToJsonString().Contains(elevationId, StringComparison.Ordinal));

        var again = await app.SendAsync(HttpMethod.Post, "/transfers", user, token, transfer);
        await StepUpFlow.ChallengeOfAsync(again);
        Assert.Equal(1, app.Hits.Count);
    }

    public static TheoryData<string> Mismatches => ["other session", "other action", "other resource id", "other resource attributes", "other subject", "other issuer"];

    [Theory]
    [MemberData(nameof(Mismatches))]
    public async Task Token_IsRefused_ForWhatItWasNotIssuedFor(string mismatch)
    {
        await using var app = await TestApp.StartAsync(fixture, o => o.Issuer = mismatch == "other issuer" ? "https://elsewhere.example" : o.Issuer);
        var user = TestUser.New();
        var codes = await fixture.EnrolAsync(user.Id);
        var token = await StepUpFlow.ElevateAsync(fixture, () => app.GetAsync("/bound/d-1?version=1", user), codes);
        var violationsBefore = (await fixture.EventsAsync(user.Id, "elevation.scope_violation")).Count;

        var (path, presenter) = mismatch switch
        {
            "other session" => ("/bound/d-1?version=1", user.InSession("s-other")),
            "other action" => ("/records/r-9?classification=restricted", user),
            "other resource id" => ("/bound/d-2?version=1", user),
            "other resource attributes" => ("/bound/d-1?version=2", user),
            "other subject" => ("/bound/d-1?version=1", TestUser.New() with { Session = user.Session }),
            _ => ("/bound/d-1?version=1", user),
        };
        var response = await app.GetAsync(path, presenter, token);

        if (mismatch == "other issuer")
        {
            // Refused locally, so StepUp decides: its own session elevation still satisfies it, online.
            Assert.Equal("Decision", (await StepUpFlow.AllowedAsync(response))["source"]!.GetValue<string>());
            return;
        }

        await StepUpFlow.ChallengeOfAsync(response);
        Assert.Equal(0, app.Hits.Count);
        if (mismatch != "other subject")
        {
            // The token went to StepUp, which audited the misuse.
            Assert.Equal(violationsBefore + 1, (await fixture.EventsAsync(user.Id, "elevation.scope_violation")).Count);
        }
    }

    [Fact]
    public async Task TokenOfAnotherApp_IsRefused()
    {
        await using var app = await TestApp.StartAsync(fixture);
        var user = TestUser.New();
        var otherCodes = await fixture.EnrolAsync(user.Id, fixture.OtherAppKey);
        var decision = await fixture.DecideAsync(fixture.OtherAppKey, new
        {
            subject = new { id = user.Id, session_id = user.Session },
            action = "test.bound",
            resource = new { type = "doc", id = "d-1", attributes = new { version = 1 } },
        });
        var otherToken = await fixture.VerifyAsync(decision["challenge"]!["id"]!.GetValue<string>(), otherCodes.Dequeue(), fixture.OtherAppKey);

        await StepUpFlow.ChallengeOfAsync(await app.GetAsync("/bound/d-1?version=1", user, otherToken));
        Assert.Equal(0, app.Hits.Count);
    }

    [Fact]
    public async Task ExpiredToken_IsRefused_LocallyAndOnline()
    {
        await using var app = await TestApp.StartAsync(fixture, o => o.ClockSkew = TimeSpan.Zero);
        var user = TestUser.New();
        var codes = await fixture.EnrolAsync(user.Id);
        var token = await StepUpFlow.ElevateAsync(fixture, () => app.GetAsync("/short", user), codes);
        var exp = JwtClaims(token)["exp"]!.GetValue<long>();
        var early = await app.GetAsync("/short", user, token);
        if (DateTimeOffset.UtcNow.ToUnixTimeSeconds() < exp)
        {
            // Still inside its second: accepted locally (and its verified claims are now cached).
            Assert.Equal("LocalToken", (await StepUpFlow.AllowedAsync(early))["source"]!.GetValue<string>());
        }

        var hits = app.Hits.Count;

        // test.short has max_age 1s: wait until the token's exp has passed.
        while (DateTimeOffset.UtcNow.ToUnixTimeSeconds() < exp + 1)
        {
            await Task.Delay(100);
        }

        await StepUpFlow.ChallengeOfAsync(await app.GetAsync("/short", user, token));
        Assert.Equal(hits, app.Hits.Count);
    }

    [Fact]
    public async Task TamperedToken_IsRefused_AndAuditedAsInvalid()
    {
        await using var app = await TestApp.StartAsync(fixture);
        var user = TestUser.New();
        var codes = await fixture.EnrolAsync(user.Id);
        var token = await StepUpFlow.ElevateAsync(fixture, () => app.GetAsync("/bound/d-1", user), codes);
        var parts = token.Split('.');
        var claims = JwtClaims(token);
        claims["stepup_action"] = "records.read";
        var forged = parts[0] + "." + System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + parts[2];

        await StepUpFlow.ChallengeOfAsync(await app.GetAsync("/records/r-1?classification=restricted", user, forged));
        Assert.Contains(await fixture.EventsAsync(user.Id, "elevation.scope_violation"), e => e.ToJsonString().Contains("invalid_token", StringComparison.Ordinal));
    }

    private static JsonObject JwtClaims(string token) =>
        JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();
}
