using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>
/// End to end through a real nginx running the shipped <c>deploy/nginx/stepup.conf</c>: protected
/// requests are stopped (401 for APIs, 302 for browsers) until the session steps up; unprotected
/// ones pass; no spelling of the protected path and no client-supplied identity reaches the app.
/// </summary>
public class NginxForwardAuthTests(NginxForwardAuthFixture nginx) : IClassFixture<NginxForwardAuthFixture>
{
    private const string StepUpHeader = "Bearer error=\"insufficient_user_authentication\", error_description=\"A different authentication level is required\", acr_values=\"urn:stepup:aal2\", max_age=\"300\"";

    private static readonly IPAddress Elsewhere = IPAddress.Parse("127.0.0.2");

    private bool UpstreamSaw(string rawTarget) => nginx.Upstream.Hits.Any(h => h.RawTarget == rawTarget);

    [Fact]
    public async Task ApiClient_Gets401WithTheRfc9470Challenge_ThenPasses_AfterVerification()
    {
        var refused = await nginx.SendAsync("POST", "/api/transfers?ref=api-1", session: "api-session");
        Assert.True(refused.Status == 401, refused.ToString());
        Assert.Equal(StepUpHeader, Assert.Single(refused.Headers, h => h.Key.Equals("WWW-Authenticate", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.Equal("no-store", refused.Header("Cache-Control"));
        Assert.Equal("application/json", refused.Header("Content-Type"));
        Assert.Null(refused.Header("Location"));
        var url = refused.Header("X-StepUp-Challenge")!;
        Assert.StartsWith(nginx.Origin + "/challenge/ch_", url, StringComparison.Ordinal);
        Assert.Equal(url, JsonNode.Parse(refused.Body)!["challenge_url"]!.GetValue<string>());
        Assert.False(UpstreamSaw("/api/transfers?ref=api-1"));

        var verified = await nginx.AppClient.PostAsJsonAsync($"/v1/challenges/{NginxForwardAuthFixture.ChallengeId(url)}/verify",
            new { method = "recovery_code", code = nginx.NextCode() });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);

        var passed = await nginx.SendAsync("POST", "/api/transfers?ref=api-2", session: "api-session");
        Assert.True(passed.Status == 200, passed.ToString());
        Assert.Equal("echo POST /api/transfers?ref=api-2", passed.Body);
        var hit = nginx.Upstream.Hits.Single(h => h.RawTarget == "/api/transfers?ref=api-2");
        Assert.Equal(NginxForwardAuthFixture.Subject, hit.User);
        Assert.False(hit.SawForwardSecret);
    }

    [Fact]
    public async Task Browser_IsRedirectedToTheHostedChallenge_WithReturnTo_AndNginxServesThePage()
    {
        var redirected = await nginx.SendAsync("POST", "/api/transfers?ref=browser", session: "browser-session", accept: "text/html,application/xhtml+xml,*/*;q=0.8");
        Assert.True(redirected.Status == 302, redirected.ToString());
        var location = redirected.Header("Location")!;
        Assert.StartsWith(nginx.Origin + "/challenge/ch_", location, StringComparison.Ordinal);
        Assert.Contains("?return_to=" + Uri.EscapeDataString(nginx.Origin + "/api/transfers?ref=browser") + "#", location, StringComparison.Ordinal);
        Assert.Matches("#[A-Za-z0-9_-]{43}$", location); // the page secret stays in the fragment
        Assert.False(UpstreamSaw("/api/transfers?ref=browser"));

        var page = await RawHttp.SendAsync(nginx.Nginx.Port, "GET", new Uri(location).PathAndQuery, [("Accept", "text/html")]);
        Assert.True(page.Status == 200, page.ToString());
        Assert.StartsWith("text/html", page.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnprotectedRoutes_PassStraightThrough_WithoutAnyIdentity()
    {
        var response = await nginx.SendAsync("GET", "/api/accounts?page=2");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("echo GET /api/accounts?page=2", response.Body);
        var get = await nginx.SendAsync("GET", "/api/transfers?list=1");
        Assert.Equal("echo GET /api/transfers?list=1", get.Body); // only POST is routed
    }

    [Theory]
    [InlineData("/api/./transfers", 401)]
    [InlineData("/api/%74ransfers", 401)]
    [InlineData("//api/transfers", 401)]
    [InlineData("/API/Transfers", 401)]
    [InlineData("/api/transfers/", 401)]
    [InlineData("/api/x/../transfers", 401)]
    [InlineData("/api/%2e%2e/api/transfers", 401)]
    [InlineData("/api%2Ftransfers", 400)]
    [InlineData("/api/transfers%00", 400)]
    [InlineData("/api/%C0%AEtransfers", 400)]
    public async Task OtherSpellingsOfTheProtectedPath_NeverReachTheAppUnauthenticated(string target, int status)
    {
        var response = await nginx.SendAsync("POST", target, session: "spelling-session");
        Assert.True(response.Status == status, response.ToString());
        if (status == 401)
        {
            Assert.Equal(StepUpHeader, response.Header("WWW-Authenticate")); // refused like the protected route itself
        }

        Assert.False(UpstreamSaw(target), "the app received " + target);
    }

    [Fact]
    public async Task AmbiguousPath_IsA400_ThroughNginx()
    {
        var response = await nginx.SendAsync("POST", "/api%2Ftransfers", session: "ambiguous-session");
        Assert.True(response.Status == 400, response.ToString());
        Assert.Equal("no-store", response.Header("Cache-Control"));
    }

    [Fact]
    public async Task Deny_Is403_AndNeverReachesTheApp()
    {
        var response = await nginx.SendAsync("DELETE", "/api/records/7", session: "deny-session");
        Assert.True(response.Status == 403, response.ToString());
        Assert.Equal("access_denied", JsonNode.Parse(response.Body)!["error"]!.GetValue<string>());
        Assert.Equal("no-store", response.Header("Cache-Control"));
        Assert.False(UpstreamSaw("/api/records/7"));
    }

    [Fact]
    public async Task IdentityHeaders_FromAClientOutsideTheAuthenticationLayer_AreDropped()
    {
        await nginx.ElevateAsync("elevated-session");
        var asLayer = await nginx.SendAsync("POST", "/api/transfers?ref=layer", session: "elevated-session");
        Assert.True(asLayer.Status == 200, asLayer.ToString());

        // The same headers from 127.0.0.2 (not the authentication layer) are not believed.
        var spoofed = await nginx.SendAsync("POST", "/api/transfers?ref=spoofed", session: "elevated-session", from: Elsewhere);
        Assert.True(spoofed.Status == 401, spoofed.ToString());
        Assert.Equal("login_required", JsonNode.Parse(spoofed.Body)!["error"]!.GetValue<string>());
        Assert.False(UpstreamSaw("/api/transfers?ref=spoofed"));

        var passthrough = await nginx.SendAsync("GET", "/api/accounts?ref=spoofed", session: "elevated-session", from: Elsewhere,
            extra: ("X-StepUp-Forward-Secret", NginxForwardAuthFixture.Secret));
        Assert.True(passthrough.Status == 200, passthrough.ToString());
        var hit = nginx.Upstream.Hits.Single(h => h.RawTarget == "/api/accounts?ref=spoofed");
        Assert.Null(hit.User);
        Assert.Null(hit.Session);
        Assert.False(hit.SawForwardSecret);
    }

    [Fact]
    public async Task StepUp_RefusesCallersThatAreNotTheProxy_OrLackTheSecret()
    {
        (string, string)[] forwarded = [("X-Forwarded-Method", "GET"), ("X-Forwarded-Uri", "/api/accounts")];
        var port = nginx.StepUp.BaseAddress.Port;
        var withSecret = forwarded.Append(("X-StepUp-Forward-Secret", NginxForwardAuthFixture.Secret)).ToArray();

        var untrustedPeer = await RawHttp.SendAsync(port, "GET", "/v1/forward-auth", withSecret, Elsewhere);
        Assert.True(untrustedPeer.Status == 403, untrustedPeer.ToString());
        Assert.Contains("SU1070", untrustedPeer.Body, StringComparison.Ordinal);
        var noSecret = await RawHttp.SendAsync(port, "GET", "/v1/forward-auth", forwarded);
        Assert.True(noSecret.Status == 403, noSecret.ToString());
        var proxy = await RawHttp.SendAsync(port, "GET", "/v1/forward-auth", withSecret);
        Assert.True(proxy.Status == 200, proxy.ToString());
        Assert.DoesNotContain(NginxForwardAuthFixture.Secret, nginx.StepUp.Output, StringComparison.Ordinal);
    }
}
