using System.Net;
using System.Text.Json.Nodes;
using StepUp.AspNetCore.Tests.Infrastructure;

namespace StepUp.AspNetCore.Tests.Enforcement;

/// <summary>allow / step_up / deny from a real StepUp (examples/policy.yaml) mapped to run / 401 RFC 9470 / 403.</summary>
[Collection(StepUpServerCollection.Name)]
public sealed class DecisionMappingTests(StepUpServerFixture fixture)
{
    [Fact]
    public async Task Allow_RunsEndpoint_AndExposesDecision()
    {
        await using var app = await TestApp.StartAsync(fixture);
        var user = TestUser.New();

        var body = await StepUpFlow.AllowedAsync(await app.GetAsync("/records/r-1", user));

        Assert.Equal("Decision", body["source"]!.GetValue<string>());
        var decisionId = body["decision_id"]!.GetValue<string>();
        Assert.Null(body["elevation_id"]);
        Assert.Equal(1, app.Hits.Count);
        var audited = await fixture.DecisionEventAsync(user.Id, decisionId);
        Assert.Equal("records.read", audited["action"]!.GetValue<string>());
        Assert.Equal(user.Session, audited["subject"]!["session_id"]!.GetValue<string>());
        Assert.Equal("pwd", audited["input"]!["context"]!["auth"]!["amr"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task StepUp_Answers401_WithExactRfc9470Header_AndChallengeJson()
    {
        await using var app = await TestApp.StartAsync(fixture);
        var user = TestUser.New();
        await fixture.EnrolAsync(user.Id);

        var response = await app.SendAsync(HttpMethod.Post, "/transfers", user, json: new Transfer("t-1", 12000m));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, StepUpFlow.Aal2Header, 300), Assert.Single(response.Headers.GetValues("WWW-Authenticate")));
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var body = await StepUpFlow.ChallengeOfAsync(response);
        var challenge = body["challenge"]!.AsObject();
        Assert.StartsWith("ch_", challenge["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith(fixture.Server.Issuer + "/challenge/ch_", challenge["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.Parse(challenge["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
        Assert.Equal(["recovery_code"], challenge["available_methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.False(challenge["enrollment_required"]!.GetValue<bool>());
        Assert.Equal("aal2", body["required"]!["level"]!.GetValue<string>());
        Assert.True(body["required"]!["once"]!.GetValue<bool>());
        Assert.Equal("resource", body["required"]!["bind"]!.GetValue<string>());
        var audited = await fixture.DecisionEventAsync(user.Id, body["decision_id"]!.GetValue<string>());
        Assert.Equal("t-1", audited["resource"]!["id"]!.GetValue<string>());
        Assert.Equal(0, app.Hits.Count);
    }

    [Fact]
    public async Task StepUp_ReportsEnrollmentRequired_ForSubjectWithoutFactors()
    {
        await using var app = await TestApp.StartAsync(fixture);

        var body = await StepUpFlow.ChallengeOfAsync(await app.GetAsync("/records/r-2?classification=restricted", TestUser.New()));

        Assert.True(body["challenge"]!["enrollment_required"]!.GetValue<bool>());
        Assert.Empty(body["challenge"]!["available_methods"]!.AsArray());
    }

    [Fact]
    public async Task Deny_Answers403Problem_WithDecisionIdAndNoReasons()
    {
        await using var app = await TestApp.StartAsync(fixture);
        var user = TestUser.New() with { Frozen = true };

        var response = await app.SendAsync(HttpMethod.Post, "/transfers", user, json: new Transfer("t-2", 50m));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("urn:stepup:problem:denied", problem["type"]!.GetValue<string>());
        Assert.Equal(403, problem["status"]!.GetValue<int>());
        var audited = await fixture.DecisionEventAsync(user.Id, problem["decision_id"]!.GetValue<string>());
        Assert.Equal("deny", audited["decision"]!["effect"]!.GetValue<string>());
        Assert.DoesNotContain("frozen", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, app.Hits.Count);
    }

    [Fact]
    public async Task Unauthenticated_IsChallengedByTheAppsOwnScheme_WithoutAskingStepUp()
    {
        await using var app = await TestApp.StartAsync(o => { o.Authority = new Uri("http://127.0.0.1:" + StepUpServerProcess.FreePort()); o.ApiKey = "unused"; });

        var response = await app.GetAsync("/records/r-1", user: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(TestAuthHandler.SchemeName, Assert.Single(response.Headers.GetValues("WWW-Authenticate")));
        Assert.Equal(0, app.Hits.Count);
    }

    [Fact]
    public async Task RouteGroup_RequiresTheGroupsAction()
    {
        await using var app = await TestApp.StartAsync(fixture);

        var response = await app.GetAsync("/admin/panel", TestUser.New());

        Assert.Equal("Bearer error=\"insufficient_user_authentication\", error_description=\"A different authentication level is required\", acr_values=\"urn:stepup:aal3\", max_age=\"600\"",
            Assert.Single(response.Headers.GetValues("WWW-Authenticate")));
        Assert.Equal("aal3", (await StepUpFlow.ChallengeOfAsync(response))["required"]!["level"]!.GetValue<string>());
        Assert.Equal(0, app.Hits.Count);
    }

    [Fact]
    public async Task MapControllers_RequireStepUp_ProtectsEveryAction()
    {
        await using var app = await TestApp.StartAsync(fixture, controllersAction: "admin.access");

        var body = await StepUpFlow.ChallengeOfAsync(await app.GetAsync("/mvc/records/r-1", TestUser.New()));

        Assert.Equal("aal3", body["required"]!["level"]!.GetValue<string>());
        Assert.Equal(0, app.Hits.Count);
    }

    [Fact]
    public async Task UnprotectedEndpoint_IsNotChecked()
    {
        await using var app = await TestApp.StartAsync(fixture);

        var body = await StepUpFlow.AllowedAsync(await app.GetAsync("/plain", TestUser.New()));

        Assert.Null(body["source"]);
    }

    [Fact]
    public async Task Controller_WithAttribute_AllowsAndStepsUp_ReadingTheBodyThroughANamedResolver()
    {
        await using var app = await TestApp.StartAsync(fixture);
        var user = TestUser.New();
        var codes = await fixture.EnrolAsync(user.Id);

        var allowed = await StepUpFlow.AllowedAsync(await app.GetAsync("/mvc/records/r-3", user));
        Assert.Equal("Decision", allowed["source"]!.GetValue<string>());

        var transfer = new Transfer("t-mvc", 25000m);
        var token = await StepUpFlow.ElevateAsync(fixture, () => app.SendAsync(HttpMethod.Post, "/mvc/transfers", user, json: transfer), codes);
        Assert.Equal(1, app.Hits.Count);

        var done = await StepUpFlow.AllowedAsync(await app.SendAsync(HttpMethod.Post, "/mvc/transfers", user, token, transfer));
        Assert.Equal(25000m, done["amount"]!.GetValue<decimal>());
        Assert.StartsWith("el_", done["elevation_id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, app.Hits.Count);
    }
}
