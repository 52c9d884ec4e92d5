using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Core.Challenges;
using StepUp.Core.Policy;
using StepUp.Server.Pages;
using StepUp.Server.Tests.Infrastructure;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Tests.Pages;

/// <summary>The hosted challenge page over HTTP, without a browser: headers, return_to, the page secret, encoding, relay check.</summary>
public class ChallengePageTests(PageServerFixture server) : IClassFixture<PageServerFixture>
{
    private const string Csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static object Transfer(string subject, string session, string resourceId = "t-1") => new
    {
        subject = new { id = subject, session_id = session },
        action = "payments.transfer",
        resource = new { type = "transfer", id = resourceId, attributes = new { amount = 12000, currency = "EUR" } },
        context = new { ip = "81.2.69.142", auth = new { level = "aal1", amr = new[] { "pwd" } } },
    };

    private static void AssertPageHeaders(HttpResponseMessage response)
    {
        Assert.Equal(Csp, string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("no-referrer", string.Join(", ", response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("nosniff", string.Join(", ", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
    }

    [Theory]
    [InlineData("/challenge/ch_anything")]
    [InlineData("/challenge/ch_anything?return_to=https%3A%2F%2Fapp.example%2Fdone")]
    [InlineData("/challenge/ch_anything?return_to=https%3A%2F%2Fevil.example%2F")]
    [InlineData("/pages/assets/challenge.js")]
    [InlineData("/pages/assets/pages.css")]
    [InlineData("/enroll/no-such-token")]
    public async Task EveryPageResponse_CarriesCspReferrerPolicyNosniffAndNoStore(string path)
    {
        var response = await server.Browser().GetAsync(path);
        AssertPageHeaders(response);
    }

    [Fact]
    public async Task PageJsonEndpoints_CarryThePageHeaders_EvenWhenRefusing()
    {
        AssertPageHeaders(await server.PagePostAsync("/challenge/ch_unknown/state", "nope"));
    }

    [Fact]
    public async Task ChallengePage_IsAShellWithExternalScriptsOnly()
    {
        var response = await server.Browser().GetAsync("/challenge/ch_anything");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"../pages/assets/challenge.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal); // no CDN, nothing external
        Assert.Contains("Use passkey", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("https://a@app.example/")]
    [InlineData("https://@app.example/")]
    [InlineData("https://user:pass@app.example/done")]
    [InlineData("https://app.example:8443/")]
    [InlineData("http://app.example/")]
    [InlineData("https://app.example.evil.example/")]
    [InlineData("https://evil.example/?https://app.example")]
    [InlineData("https://app.example\\@evil.example/")]
    [InlineData("https://app.example/#fragment")]
    [InlineData("//app.example/")]
    [InlineData("/relative")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://app.example /x")]
    [InlineData("http://localhost:3001/")]
    public async Task ChallengePage_RefusesReturnTo_NotExactlyAnAllowedOrigin(string returnTo)
    {
        var response = await server.Browser().GetAsync("/challenge/ch_anything?return_to=" + Uri.EscapeDataString(returnTo));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("SU1060", html, StringComparison.Ordinal);
        Assert.DoesNotContain("challenge.js", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://app.example/done?x=1", "https://app.example/done?x=1")]
    [InlineData("https://APP.example:443/", "https://app.example/")]
    [InlineData("http://localhost:3000/after", "http://localhost:3000/after")]
    public async Task ChallengePage_AcceptsReturnTo_OnAnAllowedOrigin(string returnTo, string rendered)
    {
        var response = await server.Browser().GetAsync("/challenge/ch_anything?return_to=" + Uri.EscapeDataString(returnTo));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"data-return-to=\"{rendered.Replace("&", "&amp;")}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChallengePage_RefusesTwoReturnTos()
    {
        var response = await server.Browser().GetAsync("/challenge/ch_x?return_to=https%3A%2F%2Fapp.example%2F&return_to=https%3A%2F%2Fevil.example%2F");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PageEndpoints_WithAWrongOrMissingSecret_AnswerLikeAnUnknownChallenge()
    {
        var decision = await server.DecideAsync(Transfer("pam", "s-1"));
        var (id, secret) = PageServerFixture.Challenge(decision);

        var unknown = await server.PagePostAsync("/challenge/ch_doesnotexist/state", secret);
        var unknownBody = (await unknown.Content.ReadFromJsonAsync<JsonObject>())!;
        foreach (var wrong in new[] { null, string.Empty, secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), secret + "x", new string('a', 5000) })
        {
            foreach (var path in new[] { "state", "totp", "recovery", "webauthn/options", "webauthn" })
            {
                var response = await server.PagePostAsync($"/challenge/{id}/{path}", wrong, new { code = "123456", credential = new { } });
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                Assert.Equal(unknownBody["code"]!.GetValue<string>(), body["code"]!.GetValue<string>());
                Assert.Equal(unknownBody["title"]!.GetValue<string>(), body["title"]!.GetValue<string>());
                Assert.Null(body["detail"]);
                var text = body.ToJsonString();
                Assert.DoesNotContain("payments", text, StringComparison.Ordinal);
                Assert.DoesNotContain("attempts", text, StringComparison.Ordinal);
            }
        }

        // Nothing was counted: the wrong secrets never reached the verifier.
        var state = await server.Client().GetFromJsonAsync<JsonObject>($"/v1/challenges/{id}");
        Assert.Equal(5, state!["attempts_left"]!.GetValue<int>());
    }

    [Fact]
    public async Task State_ShowsWhatIsBeingApproved()
    {
        await server.EnrollTotpAsync("quinn");
        var decision = await server.DecideAsync(Transfer("quinn", "s-1", "t-42"));
        var (id, secret) = PageServerFixture.Challenge(decision);
        var response = await server.PagePostAsync($"/challenge/{id}/state", secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var state = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("payments.transfer", state["action"]!.GetValue<string>());
        Assert.Equal("pending", state["status"]!.GetValue<string>());
        Assert.Contains("t-42", state["resource"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("amount=12000", state["resource"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("81.2.69.142", state["requested_from"]!["ip"]!.GetValue<string>());
        Assert.Equal(["totp"], state["available_methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(5, state["attempts_left"]!.GetValue<int>());
        Assert.NotNull(state["expires_at"]);
    }

    [Fact]
    public async Task ResourceSummary_WithMarkup_IsNeverRawHtml()
    {
        const string hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        var decision = await server.DecideAsync(Transfer("rita", "s-1", hostile));
        var (id, secret) = PageServerFixture.Challenge(decision);

        var response = await server.PagePostAsync($"/challenge/{id}/state", secret);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(hostile, JsonNode.Parse(raw)!["resource"]!.GetValue<string>(), StringComparison.Ordinal);

        // The page itself never contains the value; a hostile id in the path is encoded.
        var page = await server.Browser().GetStringAsync("/challenge/" + Uri.EscapeDataString(id));
        Assert.DoesNotContain("alert(1)", page, StringComparison.Ordinal);
        var hostilePath = await server.Browser().GetStringAsync("/challenge/" + Uri.EscapeDataString("\"><img src=x onerror=alert(3)>"));
        Assert.DoesNotContain("<img src=x", hostilePath, StringComparison.Ordinal);
        Assert.Contains("data-challenge=\"&quot;&gt;&lt;img src=x onerror=alert(3)&gt;\"", hostilePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Totp_OnThePage_Verifies_AndRedirectsToReturnTo_WithTheTokenInTheFragment()
    {
        var secret = await server.EnrollTotpAsync("sam");
        var request = Transfer("sam", "s-1", "t-7");
        var (id, pageSecret) = PageServerFixture.Challenge(await server.DecideAsync(request));

        // A return_to off the list is refused before anything is checked or counted.
        var refused = await server.PagePostAsync($"/challenge/{id}/totp", pageSecret, new { code = Oathtool.Totp(secret, server.Clock.Now), return_to = "https://evil.example/" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("SU1060", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());

        var wrong = await server.PagePostAsync($"/challenge/{id}/totp", pageSecret, new { code = "000000" == Oathtool.Totp(secret, server.Clock.Now) ? "111111" : "000000" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Equal(4, (await wrong.Content.ReadFromJsonAsync<JsonObject>())!["attempts_left"]!.GetValue<int>());

        var response = await server.PagePostAsync($"/challenge/{id}/totp", pageSecret, new { code = Oathtool.Totp(secret, server.Clock.Now), return_to = "https://app.example/transfers/t-7?step=done" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("verified", body["status"]!.GetValue<string>());
        var redirect = body["redirect"]!.GetValue<string>();
        Assert.StartsWith("https://app.example/transfers/t-7?step=done#stepup_token=", redirect, StringComparison.Ordinal);
        var token = Uri.UnescapeDataString(redirect[(redirect.IndexOf("#stepup_token=", StringComparison.Ordinal) + 14)..]);
        Assert.Equal(body["elevation"]!["token"]!.GetValue<string>(), token);

        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(request))!.AsObject();
        json["elevation_token"] = token;
        Assert.Equal("allow", (await server.DecideAsync(json))["decision"]!.GetValue<string>());

        // The answered challenge's page now says so.
        var state = (await (await server.PagePostAsync($"/challenge/{id}/state", pageSecret)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("verified", state["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await server.PagePostAsync($"/challenge/{id}/totp", pageSecret, new { code = "123456" })).StatusCode);
    }

    [Fact]
    public async Task Totp_OnThePage_WithoutReturnTo_OffersTheTokenOnlyToAllowedOpeners()
    {
        var secret = await server.EnrollTotpAsync("tom");
        var (id, pageSecret) = PageServerFixture.Challenge(await server.DecideAsync(Transfer("tom", "s-1")));
        var response = await server.PagePostAsync($"/challenge/{id}/totp", pageSecret, new { code = Oathtool.Totp(secret, server.Clock.Now) });
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(body["redirect"]);
        Assert.Equal(["https://app.example", "http://localhost:3000"], body["opener_origins"]!.AsArray().Select(o => o!.GetValue<string>()));
    }

    [Fact]
    public async Task MalformedAnswers_AreProblems_NotCounted()
    {
        var (id, pageSecret) = PageServerFixture.Challenge(await server.DecideAsync(Transfer("uma", "s-1")));
        Assert.Equal(HttpStatusCode.BadRequest, (await server.PagePostAsync($"/challenge/{id}/totp", pageSecret, new { })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.PagePostAsync($"/challenge/{id}/webauthn", pageSecret, new { credential = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await server.PagePostAsync($"/challenge/{id}/totp", pageSecret, new { code = "1", return_to = 5 })).StatusCode);
        using var text = new StringContent("code=1", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/challenge/{id}/totp") { Content = text };
        request.Headers.Add(PageChallenges.SecretHeader, pageSecret);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await server.Browser().SendAsync(request)).StatusCode);
        var state = await server.Client().GetFromJsonAsync<JsonObject>($"/v1/challenges/{id}");
        Assert.Equal(5, state!["attempts_left"]!.GetValue<int>());
    }

    [Fact]
    public async Task RelayCheck_RefusesAndAudits_WhenTheBrowserIsInAnotherCountry()
    {
        var (id, secret) = await AddChallengeAsync("vera", country: "GB");
        try
        {
            server.Locator.Country = "US";
            var refused = await server.PagePostAsync($"/challenge/{id}/state", secret);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("SU1061", problem["code"]!.GetValue<string>());
            Assert.DoesNotContain("GB", problem.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, (await server.PagePostAsync($"/challenge/{id}/totp", secret, new { code = "123456" })).StatusCode);

            var events = await server.AllEventsAsync("stepup.challenge.relay_suspected");
            var relays = events.Where(e => e["challenge"]!["id"]!.GetValue<string>() == id).ToList();
            Assert.Equal(2, relays.Count); // one per refused call
            var relay = relays[0];
            Assert.Equal("US", relay["browser"]!["country"]!.GetValue<string>());
            Assert.Equal("country_mismatch", relay["reason"]!.GetValue<string>());
            Assert.Equal("GB", relay["expected_country"]!.GetValue<string>());
            Assert.Equal("vera", relay["subject"]!["id"]!.GetValue<string>());

            server.Locator.Country = "gb";
            Assert.Equal(HttpStatusCode.OK, (await server.PagePostAsync($"/challenge/{id}/state", secret)).StatusCode);
            server.Locator.Country = null; // unknown: the check is skipped
            Assert.Equal(HttpStatusCode.OK, (await server.PagePostAsync($"/challenge/{id}/state", secret)).StatusCode);
        }
        finally
        {
            server.Locator.Country = null;
        }
    }

    /// <summary>Stores a challenge whose request came from <paramref name="country"/> (the decision API cannot set geo without a GeoIP database).</summary>
    private async Task<(string Id, string Secret)> AddChallengeAsync(string subject, string country)
    {
        var secret = "page-secret-" + Guid.NewGuid().ToString("N");
        var id = "ch_test" + Guid.NewGuid().ToString("N")[..12];
        var store = server.Services.GetRequiredService<IChallengeStore>();
        await store.AddAsync(new Challenge
        {
            Id = id,
            App = "default",
            SubjectId = subject,
            SessionId = "s-1",
            Action = "payments.transfer",
            Level = AssuranceLevel.Aal2,
            Methods = StepUpMethods.Totp | StepUpMethods.WebAuthn,
            AvailableMethods = StepUpMethods.None,
            MaxAge = TimeSpan.FromMinutes(5),
            MaxAttempts = 5,
            PageSecretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret)),
            DecisionId = "dec_test",
            ContextIp = "81.2.69.142",
            ContextCountry = country,
            ContextCity = "London",
            CreatedAt = server.Clock.Now,
            ExpiresAt = server.Clock.Now.AddMinutes(5),
        });
        return (id, secret);
    }
}
