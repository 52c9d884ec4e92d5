using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary><c>GET /v1/forward-auth</c> through the in-process server: who may call it, and each kind of answer.</summary>
public class ForwardAuthEndpointTests(ForwardAuthFixture server) : IClassFixture<ForwardAuthFixture>
{
    private const string StepUpHeader = "Bearer error=\"insufficient_user_authentication\", error_description=\"A different authentication level is required\", acr_values=\"urn:stepup:aal2\", max_age=\"300\"";

    private static async Task<string> ProblemCodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => server.FromProxy().SendAsync(request);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("forward-secret-0123456789abcdeF")]
    [InlineData("forward-secret-0123456789abcdef ")]
    [InlineData("forward-secret")]
    public async Task Refuses_WithoutTheRightSecret(string? secret)
    {
        var response = await SendAsync(ForwardAuthFixture.Forwarded("GET", "/api/accounts", secret: secret));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("SU1070", await ProblemCodeAsync(response));
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Refuses_TwoSecretHeaders()
    {
        var request = ForwardAuthFixture.Forwarded("GET", "/api/accounts");
        request.Headers.TryAddWithoutValidation("X-StepUp-Forward-Secret", ForwardAuthFixture.Secret);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("192.0.2.11")]
    [InlineData("2001:db8:2::1")]
    [InlineData("::ffff:192.0.2.11")]
    [InlineData(null)]
    public async Task Refuses_PeersThatAreNotTrustedProxies_EvenWithTheSecret(string? peer)
    {
        var response = await server.From(peer is null ? null : IPAddress.Parse(peer)).SendAsync(ForwardAuthFixture.Forwarded("GET", "/api/accounts"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("SU1070", await ProblemCodeAsync(response));
    }

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("::ffff:192.0.2.10")]
    [InlineData("2001:db8:1::5")]
    public async Task Accepts_TrustedPeers_IncludingIpv4MappedAndCidrs(string peer)
    {
        var response = await server.From(IPAddress.Parse(peer)).SendAsync(ForwardAuthFixture.Forwarded("GET", "/api/accounts"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NoRoute_PassesAtOnce_WithoutADecision()
    {
        var before = (await server.AllEventsAsync("decision.evaluated")).Count;
        var response = await SendAsync(ForwardAuthFixture.Forwarded("GET", "/api/accounts?page=2", subject: null, session: null));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("none", Header(response, "X-StepUp-Decision"));
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Null(Header(response, "X-StepUp-Decision-Id"));

        // POST is the protected method; GET on the same path is not routed.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(ForwardAuthFixture.Forwarded("GET", "/api/transfers", subject: null, session: null))).StatusCode);
        Assert.Equal(before, (await server.AllEventsAsync("decision.evaluated")).Count);
    }

    [Theory]
    [InlineData(null, "s-1", null)]
    [InlineData("alice", null, null)]
    [InlineData(null, null, null)]
    [InlineData("", "s-1", null)]
    [InlineData("alice", "  ", "text/html")]
    [InlineData(null, "s-1", "text/html,application/xhtml+xml")]
    public async Task ProtectedRoute_WithoutSubjectOrSession_Is401Problem_ForBrowsersToo(string? subject, string? session, string? accept)
    {
        var response = await SendAsync(ForwardAuthFixture.Forwarded("POST", "/api/transfers", subject, session, accept));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("SU1073", await ProblemCodeAsync(response));
        Assert.Null(response.Headers.Location);
        Assert.Null(Header(response, "X-StepUp-Decision"));
    }

    [Fact]
    public async Task ApiClient_Gets401_WithTheRfc9470Header_AndTheDecisionJson_AndTheDecisionIsAudited()
    {
        var response = await SendAsync(ForwardAuthFixture.Forwarded("POST", "/api/transfers?x=1", session: "raw-cookie-value-api"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(StepUpHeader, Header(response, "WWW-Authenticate"));
        Assert.Equal("step_up", Header(response, "X-StepUp-Decision"));
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("step_up", body["decision"]!.GetValue<string>());
        Assert.Equal(StepUpHeader, body["www_authenticate"]!.GetValue<string>());
        Assert.Equal("aal2", body["required"]!["level"]!.GetValue<string>());
        Assert.Equal("resource", body["required"]!["bind"]!.GetValue<string>());
        var challenge = body["challenge"]!;
        var url = challenge["url"]!.GetValue<string>();
        Assert.StartsWith($"{ForwardAuthFixture.PublicUrl}/challenge/{challenge["id"]}#", url, StringComparison.Ordinal);
        Assert.Equal(url, Header(response, "X-StepUp-Challenge"));
        Assert.Null(body["rules"]);   // the end user may see this body: no policy internals
        Assert.Null(body["reasons"]);
        Assert.Null(body["risk"]);

        var decisionId = body["decision_id"]!.GetValue<string>();
        Assert.Equal(decisionId, Header(response, "X-StepUp-Decision-Id"));
        var evaluated = (await server.AllEventsAsync("decision.evaluated")).Single(e => e["id"]!.GetValue<string>() == decisionId);
        Assert.Equal(ForwardAuthFixture.App, evaluated["app"]!.GetValue<string>());
        Assert.Equal("alice", evaluated["subject"]!["id"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", evaluated["subject"]!["session_id"]!.GetValue<string>());
        Assert.Equal("payments.transfer", evaluated["action"]!.GetValue<string>());
        Assert.Equal("http", evaluated["resource"]!["type"]!.GetValue<string>());
        Assert.Equal("POST /api/transfers", evaluated["resource"]!["id"]!.GetValue<string>());
        Assert.Equal("203.0.113.7", evaluated["context"]!["ip"]!.GetValue<string>());
        Assert.Equal("Mozilla/5.0 (forward-auth test)", evaluated["context"]!["user_agent"]!.GetValue<string>());
        var events = string.Concat((await server.AllEventsAsync()).Select(e => e.ToJsonString()));
        Assert.DoesNotContain("raw-cookie-value-api", events, StringComparison.Ordinal);
        Assert.DoesNotContain(ForwardAuthFixture.Secret, events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Browser_Gets401_WithLocationOfTheChallenge_AndReturnTo()
    {
        var response = await SendAsync(ForwardAuthFixture.Forwarded("POST", "/api/transfers?x=1", accept: "text/html,application/xhtml+xml,*/*;q=0.8"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("step_up", Header(response, "X-StepUp-Decision"));
        Assert.Equal(StepUpHeader, Header(response, "WWW-Authenticate"));
        var url = Header(response, "X-StepUp-Challenge")!;
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var expected = url[..hash] + "?return_to=" + Uri.EscapeDataString("https://app.example/api/transfers?x=1") + url[hash..];
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("https", "evil.example")]
    [InlineData("http", "app.example")]
    [InlineData("https", "app.example:8443")]
    [InlineData("https", "user@app.example")]
    [InlineData("gopher", "app.example")]
    [InlineData(null, "app.example")]
    public async Task Browser_ReturnToOffTheAllowList_IsLeftOut(string? proto, string host)
    {
        var request = ForwardAuthFixture.Forwarded("POST", "/api/transfers", accept: "text/html");
        request.Headers.Remove("X-Forwarded-Proto");
        request.Headers.Remove("X-Forwarded-Host");
        if (proto is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", proto);
        }

        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
        var response = await SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Header(response, "X-StepUp-Challenge"), response.Headers.Location?.OriginalString);
        Assert.DoesNotContain("return_to", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deny_Is403_WithTheDecisionHeader()
    {
        var response = await SendAsync(ForwardAuthFixture.Forwarded("DELETE", "/api/records/42"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("deny", Header(response, "X-StepUp-Decision"));
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("SU1074", problem["code"]!.GetValue<string>());
        Assert.Equal(Header(response, "X-StepUp-Decision-Id"), problem["decision_id"]!.GetValue<string>());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Allow_Is200_WithTheDecisionHeader_AndIsAudited()
    {
        var response = await SendAsync(ForwardAuthFixture.Forwarded("GET", "/api/reports/Q3.PDF"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("allow", Header(response, "X-StepUp-Decision"));
        Assert.True(response.Headers.CacheControl?.NoStore);
        var id = Header(response, "X-StepUp-Decision-Id")!;
        var evaluated = (await server.AllEventsAsync("decision.evaluated")).Single(e => e["id"]!.GetValue<string>() == id);
        Assert.Equal("reports.read", evaluated["action"]!.GetValue<string>());
        Assert.Equal("GET /api/reports/Q3.PDF", evaluated["resource"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task AfterVerification_TheSameSessionAndRoutePass_OthersStillStepUp()
    {
        var codes = await server.RecoveryCodesAsync("bob");
        var first = await SendAsync(ForwardAuthFixture.Forwarded("POST", "/api/transfers", "bob", "bob-session"));
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        var challenge = (await first.Content.ReadFromJsonAsync<JsonObject>())!["challenge"]!;
        Assert.Equal("recovery_code", Assert.Single(challenge["available_methods"]!.AsArray())!.GetValue<string>());

        var verified = await server.VerifyAsync(challenge["id"]!.GetValue<string>(), codes[0]);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);

        var again = await SendAsync(ForwardAuthFixture.Forwarded("POST", "/api/transfers", "bob", "bob-session"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("allow", Header(again, "X-StepUp-Decision"));
        var spelled = await SendAsync(ForwardAuthFixture.Forwarded("POST", "//api/./transfers?y=2", "bob", "bob-session"));
        Assert.Equal(HttpStatusCode.OK, spelled.StatusCode); // same canonical route, same bound resource

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(ForwardAuthFixture.Forwarded("POST", "/api/transfers", "bob", "another-session"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(ForwardAuthFixture.Forwarded("GET", "/admin", "bob", "bob-session"))).StatusCode);
        var used = await server.AllEventsAsync("elevation.used");
        Assert.Contains(used, e => e["app"]!.GetValue<string>() == ForwardAuthFixture.App);
    }

    [Fact]
    public async Task ElevationToken_FromXStepUpToken_IsChecked_AgainstItsSession()
    {
        var codes = await server.RecoveryCodesAsync("dave");
        var first = await SendAsync(ForwardAuthFixture.Forwarded("POST", "/api/transfers", "dave", "dave-session-1"));
        var challengeId = (await first.Content.ReadFromJsonAsync<JsonObject>())!["challenge"]!["id"]!.GetValue<string>();
        var verified = await server.VerifyAsync(challengeId, codes[0]);
        var token = (await verified.Content.ReadFromJsonAsync<JsonObject>())!["elevation"]!["token"]!.GetValue<string>();

        var elsewhere = ForwardAuthFixture.Forwarded("POST", "/api/transfers", "dave", "dave-session-2");
        elsewhere.Headers.TryAddWithoutValidation("X-StepUp-Token", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(elsewhere)).StatusCode);
        Assert.Contains(await server.AllEventsAsync("elevation.scope_violation"), e => e["subject"]?["id"]?.GetValue<string>() == "dave");

        var own = ForwardAuthFixture.Forwarded("POST", "/api/transfers", "dave", "dave-session-1");
        own.Headers.TryAddWithoutValidation("X-StepUp-Token", token);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(own)).StatusCode);
    }

    [Theory]
    [InlineData("/api/./transfers")]
    [InlineData("/api/%74ransfers")]
    [InlineData("//api/transfers")]
    [InlineData("/API/Transfers")]
    [InlineData("/api/transfers/")]
    [InlineData("/api/x/../transfers")]
    [InlineData("/api/%2e%2e/api/transfers")]
    [InlineData("/api/transfers?redirect=/elsewhere")]
    public async Task OtherSpellingsOfAProtectedPath_AreProtectedToo(string uri)
    {
        var response = await SendAsync(ForwardAuthFixture.Forwarded("POST", uri, session: "spelling-session"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("step_up", Header(response, "X-StepUp-Decision"));
    }

    [Theory]
    [InlineData("/api%2Ftransfers")]
    [InlineData("/api%2ftransfers")]
    [InlineData("/api/transfers%00")]
    [InlineData("/a/../../b")]
    [InlineData("/api/%C0%AEtransfers")]
    [InlineData("/api/%zz")]
    [InlineData("/api/transfers;x=1")]
    public async Task AmbiguousPaths_Are400_EvenOnUnprotectedRoutes(string uri)
    {
        var response = await SendAsync(ForwardAuthFixture.Forwarded("POST", uri));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SU1071", await ProblemCodeAsync(response));
    }

    [Theory]
    [InlineData(null, "/api/transfers")]
    [InlineData("PO ST", "/api/transfers")]
    [InlineData("POST", null)]
    [InlineData("POST", "api/transfers")]
    [InlineData("POST", "https://app.example/api/transfers")]
    public async Task MalformedForwardedRequests_Are400(string? method, string? uri)
    {
        var request = ForwardAuthFixture.Forwarded(method ?? "x", uri ?? "/x");
        if (method is null)
        {
            request.Headers.Remove("X-Forwarded-Method");
        }

        if (uri is null)
        {
            request.Headers.Remove("X-Forwarded-Uri");
        }

        var response = await SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SU1072", await ProblemCodeAsync(response));
    }

    [Fact]
    public async Task RepeatedOrOverlongIdentity_Is400()
    {
        var twice = ForwardAuthFixture.Forwarded("POST", "/api/transfers");
        twice.Headers.TryAddWithoutValidation("X-Forwarded-User", "mallory");
        Assert.Equal("SU1072", await ProblemCodeAsync(await SendAsync(twice)));
        var longSubject = ForwardAuthFixture.Forwarded("POST", "/api/transfers", subject: new string('a', 257));
        Assert.Equal("SU1072", await ProblemCodeAsync(await SendAsync(longSubject)));
    }
}
