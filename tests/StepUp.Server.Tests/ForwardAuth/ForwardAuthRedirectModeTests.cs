using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>BrowserMode=redirect, the session from a cookie and the device cookie.</summary>
public class ForwardAuthRedirectModeTests(RedirectModeFixture server) : IClassFixture<RedirectModeFixture>
{
    private static HttpRequestMessage WithCookies(HttpRequestMessage request, string cookies)
    {
        request.Headers.TryAddWithoutValidation("Cookie", cookies);
        return request;
    }

    [Fact]
    public async Task Browser_Gets302ToTheChallenge_ApiStillGets401Json()
    {
        var browser = await server.FromProxy().SendAsync(ForwardAuthFixture.Forwarded("GET", "/admin/users?sort=name", accept: "text/html"));
        Assert.Equal(HttpStatusCode.Found, browser.StatusCode);
        Assert.Equal("step_up", browser.Headers.GetValues("X-StepUp-Decision").Single());
        Assert.True(browser.Headers.CacheControl?.NoStore);
        var location = browser.Headers.Location!.OriginalString;
        Assert.StartsWith(ForwardAuthFixture.PublicUrl + "/challenge/ch_", location, StringComparison.Ordinal);
        Assert.Contains("?return_to=" + Uri.EscapeDataString("https://app.example/admin/users?sort=name") + "#", location, StringComparison.Ordinal);
        Assert.Empty(await browser.Content.ReadAsByteArrayAsync());

        var api = await server.FromProxy().SendAsync(ForwardAuthFixture.Forwarded("GET", "/admin/users", accept: "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Null(api.Headers.Location);
        Assert.NotNull((await api.Content.ReadFromJsonAsync<JsonObject>())!["challenge"]);
    }

    [Fact]
    public async Task SessionCookie_IsPreferred_AndOnlyItsElevationCounts()
    {
        var codes = await server.RecoveryCodesAsync("carol");
        var first = await server.FromProxy().SendAsync(WithCookies(
            ForwardAuthFixture.Forwarded("POST", "/api/transfers", "carol", session: "header-session"), "app_session=cookie-session-1; device=d-42"));
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        var challengeId = (await first.Content.ReadFromJsonAsync<JsonObject>())!["challenge"]!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await server.VerifyAsync(challengeId, codes[1])).StatusCode);

        // The cookie, not the header, named the session: a new header value does not matter...
        var sameCookie = await server.FromProxy().SendAsync(WithCookies(
            ForwardAuthFixture.Forwarded("POST", "/api/transfers", "carol", session: "other-header"), "app_session=cookie-session-1"));
        Assert.Equal(HttpStatusCode.OK, sameCookie.StatusCode);

        // ...a new cookie value does, and without the cookie the header is the session.
        var otherCookie = await server.FromProxy().SendAsync(WithCookies(
            ForwardAuthFixture.Forwarded("POST", "/api/transfers", "carol", session: "header-session"), "app_session=cookie-session-2"));
        Assert.Equal(HttpStatusCode.Unauthorized, otherCookie.StatusCode);
        var headerOnly = await server.FromProxy().SendAsync(ForwardAuthFixture.Forwarded("POST", "/api/transfers", "carol", session: "header-session"));
        Assert.Equal(HttpStatusCode.Unauthorized, headerOnly.StatusCode);

        var evaluated = (await server.AllEventsAsync("decision.evaluated")).First(e => e["subject"]!["id"]!.GetValue<string>() == "carol");
        Assert.Equal("d-42", evaluated["context"]!["device_id"]!.GetValue<string>());
        var all = string.Concat((await server.AllEventsAsync()).Select(e => e.ToJsonString()));
        Assert.DoesNotContain("cookie-session-1", all, StringComparison.Ordinal);
        Assert.DoesNotContain("header-session", all, StringComparison.Ordinal);
    }
}
