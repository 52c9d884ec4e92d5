using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using StepUp.Server.Pages;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Pages.Browser;

/// <summary>
/// Issue 3 acceptance, end to end in Debian's Chromium with a CDP virtual authenticator: a passkey
/// registered on <c>/enroll/…</c> completes an aal3 step-up on <c>/challenge/…</c>, and each way an
/// assertion can be wrong is refused by the server.
/// </summary>
public class WebAuthnBrowserTests(BrowserServerFixture fx) : IClassFixture<BrowserServerFixture>
{
    private const string CaptureScript =
        "async o => JSON.stringify((await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(o)) })).toJSON())";

    private sealed record Tab(IPage Page, VirtualAuthenticator Authenticator, List<string> Errors);

    private async Task<Tab> OpenTabAsync(bool userVerified = true, bool backupEligible = false)
    {
        var context = await fx.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        return new Tab(page, await VirtualAuthenticator.AddAsync(page, userVerified, backupEligible), errors);
    }

    /// <summary>Opens a fresh enrolment link and registers a passkey with the page's button.</summary>
    private async Task EnrollPasskeyAsync(Tab tab, string subject)
    {
        var link = await fx.EnrollmentLinkAsync(subject);
        Assert.StartsWith(fx.Origin + "/enroll/", link, StringComparison.Ordinal);
        await tab.Page.GotoAsync(link);
        await tab.Page.ClickAsync("#add-passkey");
        await OutcomeAsync(tab.Page);
        Assert.True(await tab.Page.IsVisibleAsync("#done"), "enrolment failed: " + await tab.Page.TextContentAsync("#message"));
        Assert.True(tab.Errors.Count == 0, string.Join("\n", tab.Errors)); // no CSP violation, no script error
        var response = await tab.Page.GotoAsync(link);
        Assert.Equal(404, response!.Status); // the link is used up
        tab.Errors.Clear(); // Chromium logs that 404 as a console error
    }

    /// <summary>Waits until the page shows a result: done, a message, or navigation away.</summary>
    private static async Task OutcomeAsync(IPage page) =>
        await page.Locator("#done:not([hidden]), #message:not([hidden])").First.WaitForAsync(new() { State = WaitForSelectorState.Visible });

    private static (string Id, string Secret, string Url) Challenge(JsonObject decision)
    {
        Assert.Equal("step_up", decision["decision"]!.GetValue<string>());
        var url = decision["challenge"]!["url"]!.GetValue<string>();
        var uri = new Uri(url);
        return (uri.Segments[^1], uri.Fragment.TrimStart('#'), url);
    }

    private static string WithReturnTo(string challengeUrl, string returnTo)
    {
        var hash = challengeUrl.IndexOf('#', StringComparison.Ordinal);
        return challengeUrl[..hash] + "?return_to=" + Uri.EscapeDataString(returnTo) + challengeUrl[hash..];
    }

    private async Task OpenChallengeAsync(Tab tab, string url)
    {
        await tab.Page.GotoAsync(url);
        await tab.Page.Locator("#methods:not([hidden]), #message:not([hidden])").First.WaitForAsync(new() { State = WaitForSelectorState.Visible });
    }

    private async Task<JsonObject> PageOptionsAsync(string id, string secret)
    {
        var (status, body) = await PagePostAsync(id, secret, "webauthn/options", new { });
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PagePostAsync(string id, string secret, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{fx.Origin}/challenge/{id}/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Add(PageChallenges.SecretHeader, secret);
        using var client = new HttpClient();
        var response = await client.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> PageAnswerAsync(string id, string secret, string assertion) =>
        PagePostAsync(id, secret, "webauthn", new JsonObject { ["credential"] = JsonNode.Parse(assertion) });

    private async Task<(HttpStatusCode Status, JsonObject Body)> ApiVerifyAsync(string id, string assertion)
    {
        var response = await fx.Api().PostAsJsonAsync($"/v1/challenges/{id}/verify", new JsonObject { ["method"] = "webauthn", ["credential"] = JsonNode.Parse(assertion) });
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private async Task<JsonObject> ApiOptionsAsync(string id)
    {
        var response = await fx.Api().PostAsync($"/v1/challenges/{id}/webauthn/options", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static Task<string> CaptureAssertionAsync(IPage page, JsonObject options) =>
        page.EvaluateAsync<string>(CaptureScript, options.ToJsonString());

    private static void AssertRefused((HttpStatusCode Status, JsonObject Body) result, string reason)
    {
        Assert.True(result.Status == HttpStatusCode.UnprocessableEntity, $"expected 422 {reason}, got {(int)result.Status} {result.Body.ToJsonString()}");
        Assert.Equal("SU1040", result.Body["code"]!.GetValue<string>());
        Assert.Equal(reason, result.Body["reason"]!.GetValue<string>());
    }

    private static byte[] FromBase64Url(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4));

    private static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task Passkey_EnrolledOnThePage_CompletesAnAal3StepUp_AndTheNextDecisionIsAllowed()
    {
        var tab = await OpenTabAsync();
        await EnrollPasskeyAsync(tab, "alice");
        var factors = await fx.Api().GetFromJsonAsync<JsonObject>("/v1/subjects/alice/factors");
        var passkey = Assert.Single(factors!["factors"]!.AsArray());
        Assert.Equal("webauthn", passkey!["type"]!.GetValue<string>());
        Assert.False(passkey["backup_eligible"]!.GetValue<bool>());

        var resource = new { type = "apikey", id = "<img src=x onerror=window.__pwned=1>", attributes = new { scopes = "admin" } };
        var decision = await fx.DecideAsync("alice", "s-1", "apikeys.create", resource: resource);
        Assert.Equal("aal3", decision["required"]!["level"]!.GetValue<string>());
        Assert.Equal(["webauthn"], decision["challenge"]!["available_methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        var (_, _, url) = Challenge(decision);

        await tab.Page.RouteAsync(fx.AppOrigin + "/**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<!doctype html><title>App</title><p>Back in the app</p>" }));
        await OpenChallengeAsync(tab, WithReturnTo(url, fx.AppOrigin + "/keys/new?step=2"));

        // The page shows what is being approved, as text: the hostile resource id does not run.
        Assert.Equal("apikeys.create", await tab.Page.TextContentAsync("#action"));
        Assert.Contains("<img src=x onerror=window.__pwned=1>", await tab.Page.TextContentAsync("#resource"), StringComparison.Ordinal);
        Assert.Contains("81.2.69.142", await tab.Page.TextContentAsync("#place"), StringComparison.Ordinal);
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => window.__pwned === undefined"));
        Assert.True(await tab.Page.IsVisibleAsync("#use-passkey"));
        Assert.False(await tab.Page.IsVisibleAsync("#totp-form"));
        await tab.Page.ScreenshotAsync(new() { Path = Screenshot("challenge-page.png"), FullPage = true });

        await tab.Page.ClickAsync("#use-passkey");
        await tab.Page.WaitForURLAsync(u => u.StartsWith(fx.AppOrigin + "/", StringComparison.Ordinal));
        var landed = new Uri(tab.Page.Url);
        Assert.Equal("/keys/new", landed.AbsolutePath);
        Assert.Equal("?step=2", landed.Query);
        Assert.StartsWith("#stepup_token=", landed.Fragment, StringComparison.Ordinal);
        var token = Uri.UnescapeDataString(landed.Fragment["#stepup_token=".Length..]);
        var claims = JsonNode.Parse(Encoding.UTF8.GetString(FromBase64Url(token.Split('.')[1])))!;
        Assert.Equal("urn:stepup:aal3", claims["acr"]!.GetValue<string>());
        Assert.Contains("user", claims["amr"]!.AsArray().Select(a => a!.GetValue<string>()));

        Assert.Equal("allow", (await fx.DecideAsync("alice", "s-1", "apikeys.create", token, resource))["decision"]!.GetValue<string>());
        Assert.Equal("allow", (await fx.DecideAsync("alice", "s-1", "apikeys.create", resource: resource))["decision"]!.GetValue<string>());
        Assert.Equal("step_up", (await fx.DecideAsync("alice", "s-other", "apikeys.create"))["decision"]!.GetValue<string>());
        Assert.True(tab.Errors.Count == 0, string.Join("\n", tab.Errors)); // no CSP violation, no script error
    }

    [Fact]
    public async Task Totp_TypedIntoTheChallengePage_Verifies()
    {
        var tab = await OpenTabAsync();
        var link = await fx.EnrollmentLinkAsync("ivan");
        await tab.Page.GotoAsync(link);
        await tab.Page.ClickAsync("#start-totp");
        await tab.Page.Locator("#totp-qr").WaitForAsync(new() { State = WaitForSelectorState.Visible });
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => document.getElementById('totp-qr').naturalWidth > 0")); // the QR image renders under the CSP
        await tab.Page.ScreenshotAsync(new() { Path = Screenshot("enroll-totp.png"), FullPage = true });
        var secret = (await tab.Page.TextContentAsync("#totp-secret"))!.Replace(" ", string.Empty, StringComparison.Ordinal);
        await tab.Page.FillAsync("#totp-code", Oathtool.Totp(secret, DateTimeOffset.UtcNow));
        await tab.Page.ClickAsync("#totp-form button[type=submit]");
        await OutcomeAsync(tab.Page);
        Assert.True(await tab.Page.IsVisibleAsync("#done"), await tab.Page.TextContentAsync("#message"));

        var transfer = new { type = "transfer", id = "t-9", attributes = new { amount = 12000, currency = "EUR" } };
        var (_, _, url) = Challenge(await fx.DecideAsync("ivan", "s-1", "payments.transfer", resource: transfer));
        await OpenChallengeAsync(tab, url);
        Assert.True(await tab.Page.IsVisibleAsync("#totp-form"));
        Assert.False(await tab.Page.IsVisibleAsync("#use-passkey"));
        await tab.Page.ScreenshotAsync(new() { Path = Screenshot("challenge-page-totp.png"), FullPage = true });
        Assert.True(tab.Errors.Count == 0, string.Join("\n", tab.Errors));

        await tab.Page.FillAsync("#totp-code", "000000" == Oathtool.Totp(secret, DateTimeOffset.UtcNow) ? "111111" : "000000");
        await tab.Page.ClickAsync("#totp-form button[type=submit]");
        await OutcomeAsync(tab.Page);
        Assert.Contains("4 attempts left", await tab.Page.TextContentAsync("#message"), StringComparison.Ordinal);

        // The next time step, so the enrolment's code cannot count as a replay.
        var code = Oathtool.Totp(secret, DateTimeOffset.UtcNow.AddSeconds(30));
        await tab.Page.FillAsync("#totp-code", code);
        await tab.Page.ClickAsync("#totp-form button[type=submit]");
        await tab.Page.Locator("#done").WaitForAsync(new() { State = WaitForSelectorState.Visible });
        Assert.Equal("allow", (await fx.DecideAsync("ivan", "s-1", "payments.transfer", resource: transfer))["decision"]!.GetValue<string>());
    }

    private static string Screenshot(string name)
    {
        Directory.CreateDirectory(BrowserServerFixture.ScreenshotDirectory);
        return Path.Combine(BrowserServerFixture.ScreenshotDirectory, name);
    }

    [Fact]
    public async Task ReplayedAssertion_IsRefused()
    {
        var tab = await OpenTabAsync();
        await EnrollPasskeyAsync(tab, "bob");
        var (id, secret, url) = Challenge(await fx.DecideAsync("bob", "s-1", "apikeys.create"));
        await OpenChallengeAsync(tab, url);
        var assertion = await CaptureAssertionAsync(tab.Page, await PageOptionsAsync(id, secret));

        Assert.Equal(HttpStatusCode.OK, (await PageAnswerAsync(id, secret, assertion)).Status);
        var again = await PageAnswerAsync(id, secret, assertion);
        Assert.Equal(HttpStatusCode.Conflict, again.Status); // that challenge is answered

        // The same assertion on a new challenge: its challenge bytes are not the new ones.
        var (id2, secret2, _) = Challenge(await fx.DecideAsync("bob", "s-2", "apikeys.create"));
        await PageOptionsAsync(id2, secret2);
        AssertRefused(await PageAnswerAsync(id2, secret2, assertion), "webauthn_challenge_mismatch");
        await ApiOptionsAsync(id2);
        AssertRefused(await ApiVerifyAsync(id2, assertion), "webauthn_challenge_mismatch");
        Assert.Equal("step_up", (await fx.DecideAsync("bob", "s-2", "apikeys.create"))["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task TamperedSignature_IsRefused_AndTheUserCanStillUseThePasskey()
    {
        var tab = await OpenTabAsync();
        await EnrollPasskeyAsync(tab, "carol");
        var (id, secret, url) = Challenge(await fx.DecideAsync("carol", "s-1", "apikeys.create"));
        await OpenChallengeAsync(tab, url);
        var assertion = JsonNode.Parse(await CaptureAssertionAsync(tab.Page, await PageOptionsAsync(id, secret)))!;
        var signature = FromBase64Url(assertion["response"]!["signature"]!.GetValue<string>());
        signature[^1] ^= 0x01;
        assertion["response"]!["signature"] = ToBase64Url(signature);

        var refused = await PageAnswerAsync(id, secret, assertion.ToJsonString());
        AssertRefused(refused, "webauthn_bad_signature");
        Assert.Equal(4, refused.Body["attempts_left"]!.GetValue<int>());

        // Without return_to the page ends on "Verified".
        await tab.Page.ClickAsync("#use-passkey");
        await OutcomeAsync(tab.Page);
        Assert.True(await tab.Page.IsVisibleAsync("#done"), await tab.Page.TextContentAsync("#message"));
        Assert.Contains("Verified", await tab.Page.TextContentAsync("#done"), StringComparison.Ordinal);
        Assert.Equal("allow", (await fx.DecideAsync("carol", "s-1", "apikeys.create"))["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoweredSignCount_FromAClonedCredential_IsRefused()
    {
        var tab = await OpenTabAsync();
        await EnrollPasskeyAsync(tab, "dora");
        var (_, _, url) = Challenge(await fx.DecideAsync("dora", "s-1", "apikeys.create"));
        await OpenChallengeAsync(tab, url);
        await tab.Page.ClickAsync("#use-passkey");
        await OutcomeAsync(tab.Page);
        Assert.True(await tab.Page.IsVisibleAsync("#done"), await tab.Page.TextContentAsync("#message"));

        // A clone of the key whose counter lags behind (the virtual authenticator counts up per use).
        var credential = Assert.Single(await tab.Authenticator.CredentialsAsync());
        Assert.True(credential.GetProperty("signCount").GetInt64() >= 2);
        await tab.Authenticator.RemoveCredentialAsync(credential.GetProperty("credentialId").GetString()!);
        await tab.Authenticator.AddCredentialAsync(credential, signCount: 0);

        var (id, _, url2) = Challenge(await fx.DecideAsync("dora", "s-2", "apikeys.create"));
        await OpenChallengeAsync(tab, url2);
        await tab.Page.ClickAsync("#use-passkey");
        await OutcomeAsync(tab.Page);
        Assert.Equal("webauthn_sign_count_regressed", await tab.Page.GetAttributeAsync("#message", "data-reason"));
        Assert.False(await tab.Page.IsVisibleAsync("#done"));
        var failures = await fx.EventsAsync("stepup.challenge.failed");
        Assert.Contains(failures, e => e["challenge"]!["id"]!.GetValue<string>() == id && e["reason"]!.GetValue<string>() == "webauthn_sign_count_regressed");
        Assert.Equal("step_up", (await fx.DecideAsync("dora", "s-2", "apikeys.create"))["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task AssertionFromAnotherOrigin_IsRefused()
    {
        var tab = await OpenTabAsync();
        await EnrollPasskeyAsync(tab, "erin");
        var (id, _, _) = Challenge(await fx.DecideAsync("erin", "s-1", "apikeys.create"));
        var options = await ApiOptionsAsync(id);

        // A look-alike page on another origin (another port: same RP ID, so the browser signs).
        var evil = $"http://localhost:{BrowserServerFixture.UnusedPort()}";
        await tab.Page.RouteAsync(evil + "/**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<!doctype html><title>Look-alike</title>" }));
        await tab.Page.GotoAsync(evil + "/");
        var assertion = await CaptureAssertionAsync(tab.Page, options);
        var clientData = JsonNode.Parse(FromBase64Url(JsonNode.Parse(assertion)!["response"]!["clientDataJSON"]!.GetValue<string>()))!;
        Assert.Equal(evil, clientData["origin"]!.GetValue<string>());

        AssertRefused(await ApiVerifyAsync(id, assertion), "webauthn_origin_not_allowed");
    }

    [Fact]
    public async Task AssertionForAnotherRpId_IsRefused()
    {
        var tab = await OpenTabAsync();
        await EnrollPasskeyAsync(tab, "finn");

        // The same key, but scoped to another RP ID, used from an origin the server does list.
        var credential = Assert.Single(await tab.Authenticator.CredentialsAsync());
        await tab.Authenticator.RemoveCredentialAsync(credential.GetProperty("credentialId").GetString()!);
        await tab.Authenticator.AddCredentialAsync(credential, rpId: "wrongrp.localhost");

        var (id, _, _) = Challenge(await fx.DecideAsync("finn", "s-1", "apikeys.create"));
        var options = await ApiOptionsAsync(id);
        options["rpId"] = "wrongrp.localhost";
        await tab.Page.RouteAsync(fx.WrongRpOrigin + "/**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<!doctype html><title>Sibling</title>" }));
        await tab.Page.GotoAsync(fx.WrongRpOrigin + "/");
        var assertion = await CaptureAssertionAsync(tab.Page, options);

        AssertRefused(await ApiVerifyAsync(id, assertion), "webauthn_rp_id_mismatch");
    }

    [Fact]
    public async Task MissingUserVerification_ForAal3_IsRefused()
    {
        var tab = await OpenTabAsync();
        await EnrollPasskeyAsync(tab, "gus");
        await tab.Authenticator.SetUserVerifiedAsync(false); // the user fails the device's PIN or biometrics

        var (id, secret, url) = Challenge(await fx.DecideAsync("gus", "s-1", "apikeys.create"));
        await OpenChallengeAsync(tab, url);
        await tab.Page.ClickAsync("#use-passkey");
        await OutcomeAsync(tab.Page);
        Assert.False(await tab.Page.IsVisibleAsync("#done"));
        // Chromium itself refuses: the options require UV and the authenticator fails it.
        Assert.Contains(await tab.Page.GetAttributeAsync("#message", "data-reason"), new[] { "browser_NotAllowedError", "webauthn_user_not_verified" });

        // A client that does not ask for UV gets an assertion without it: the server refuses it.
        var options = await PageOptionsAsync(id, secret);
        Assert.Equal("required", options["userVerification"]!.GetValue<string>());
        options["userVerification"] = "discouraged";
        var assertion = await CaptureAssertionAsync(tab.Page, options);
        AssertRefused(await PageAnswerAsync(id, secret, assertion), "webauthn_user_not_verified");
        Assert.Equal("step_up", (await fx.DecideAsync("gus", "s-1", "apikeys.create"))["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task BackupEligibleCredential_ReachesOnlyAal2_AndIsRefusedForAal3()
    {
        var tab = await OpenTabAsync(backupEligible: true);
        await EnrollPasskeyAsync(tab, "hana");
        var factors = await fx.Api().GetFromJsonAsync<JsonObject>("/v1/subjects/hana/factors");
        Assert.True(Assert.Single(factors!["factors"]!.AsArray())!["backup_eligible"]!.GetValue<bool>());

        var (id, _, url) = Challenge(await fx.DecideAsync("hana", "s-1", "apikeys.create"));
        await OpenChallengeAsync(tab, url);
        await tab.Page.ClickAsync("#use-passkey");
        await OutcomeAsync(tab.Page);
        Assert.Equal("level_not_reached", await tab.Page.GetAttributeAsync("#message", "data-reason"));
        Assert.False(await tab.Page.IsVisibleAsync("#done"));
        var failures = await fx.EventsAsync("stepup.challenge.failed");
        Assert.Contains(failures, e => e["challenge"]!["id"]!.GetValue<string>() == id && e["reason"]!.GetValue<string>() == "level_not_reached");
        Assert.Equal("step_up", (await fx.DecideAsync("hana", "s-1", "apikeys.create"))["decision"]!.GetValue<string>());

        // The same synced passkey is fine for aal2.
        var transfer = new { type = "transfer", id = "t-1", attributes = new { amount = 12000, currency = "EUR" } };
        var (_, _, aal2) = Challenge(await fx.DecideAsync("hana", "s-1", "payments.transfer", resource: transfer));
        await OpenChallengeAsync(tab, aal2);
        await tab.Page.ClickAsync("#use-passkey");
        await OutcomeAsync(tab.Page);
        Assert.True(await tab.Page.IsVisibleAsync("#done"), await tab.Page.TextContentAsync("#message"));
    }
}
