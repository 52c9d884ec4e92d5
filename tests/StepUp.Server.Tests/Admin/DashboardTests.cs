using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StepUp.Server.Tests.Infrastructure;
using StepUp.Server.Tests.Pages.Browser;

namespace StepUp.Server.Tests.Admin;

/// <summary>
/// The admin dashboard in Debian's Chromium against a real StepUp process: sign-in with key and
/// subject, every page with seeded data checked against an independent count from the API,
/// filters, the live stream, unlock after the admin's own TOTP step-up, HTML shown as text,
/// keyboard access and labels, and what happens without a session or a CSRF token.
/// </summary>
[Collection(nameof(DashboardTests))]
public sealed partial class DashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private Uri Url(string path) => new(fixture.Server.BaseAddress, path);

    private static string Screenshot(string name)
    {
        Directory.CreateDirectory(BrowserServerFixture.ScreenshotDirectory);
        return Path.Combine(BrowserServerFixture.ScreenshotDirectory, name);
    }

    private async Task<IPage> SignInAsync(string? next = null)
    {
        var context = await fixture.Chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.Dialog += (_, dialog) => Assert.Fail("a script ran: " + dialog.Message);
        await page.GotoAsync(Url("/admin" + (next ?? string.Empty)).ToString());
        Assert.Contains("/admin/login", page.Url, StringComparison.Ordinal);
        await AssertLabelledAsync(page);
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-login.png"), FullPage = true });
        await page.GetByLabel("API key").FillAsync(ServerProcess.Key);
        await page.GetByLabel("Your subject id").FillAsync(DashboardFixture.Admin);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("header .who")).ToContainTextAsync(DashboardFixture.Admin);
        return page;
    }

    private static async Task AssertLabelledAsync(IPage page)
    {
        // Every visible form control has a label (or an aria-label).
        var unlabelled = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]" +
            ".filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.outerHTML)");
        Assert.Empty(unlabelled);
    }

    [Fact]
    public async Task Overview_ShowsTheSeededCounts_FromTheRollups()
    {
        var page = await SignInAsync();
        var events = await fixture.EventsAsync();
        var decisions = events.Where(e => e["type"]!.ToString() == "decision.evaluated").ToList();
        var failedTransfers = events.Count(e => e["type"]!.ToString() == "stepup.challenge.failed" && e["action"]?.ToString() == "payments.transfer");

        await page.GotoAsync(Url("/admin").ToString());
        await Assertions.Expect(page.Locator("[data-stat=decisions]")).ToHaveTextAsync(decisions.Count.ToString());
        await Assertions.Expect(page.Locator("[data-stat=step_ups]")).ToHaveTextAsync(decisions.Count(d => d["outcome"]!.ToString() == "step_up").ToString());
        await Assertions.Expect(page.Locator("[data-stat=denied]")).ToHaveTextAsync(decisions.Count(d => d["outcome"]!.ToString() == "deny").ToString());
        await Assertions.Expect(page.Locator("#failures-by-action tr", new() { HasText = "payments.transfer" }).Locator("td").Nth(1)).ToHaveTextAsync(failedTransfers.ToString());
        await Assertions.Expect(page.Locator("#rate-method tr", new() { HasText = "totp" }).Locator("td").Nth(2)).ToHaveTextAsync(
            events.Count(e => e["type"]!.ToString() == "stepup.challenge.failed").ToString());
        await Assertions.Expect(page.Locator("#alerts-by-detector")).ToContainTextAsync("subject_failures");
        await Assertions.Expect(page.Locator("[data-stat=checkpoint-status]")).ToHaveTextAsync("verifies; the signed hash is the stored hash");
        await AssertLabelledAsync(page);
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-overview.png"), FullPage = true });

        // Keyboard: the first Tab reaches the skip link, the next ones the navigation.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Live", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/live$"));
    }

    [Fact]
    public async Task AuditExplorer_FiltersBySubject_ShowsHtmlAsText_AndTheChainProof()
    {
        var page = await SignInAsync("/audit");
        Assert.EndsWith("/admin/audit", page.Url, StringComparison.Ordinal);
        var events = await fixture.EventsAsync();

        await page.GetByLabel("Subject").FillAsync(DashboardFixture.Locked);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audit-events tbody tr")).ToHaveCountAsync(
            events.Count(e => e["subject"]?["id"]?.ToString() == DashboardFixture.Locked));
        await AssertLabelledAsync(page);
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-audit.png"), FullPage = true });

        // HTML in a subject id and a user agent: shown as text, never parsed.
        await page.GotoAsync(Url("/admin/audit?subject=" + Uri.EscapeDataString(DashboardFixture.HtmlSubject)).ToString());
        await Assertions.Expect(page.Locator("#audit-events tbody tr").First).ToContainTextAsync(DashboardFixture.HtmlSubject);
        await Assertions.Expect(page.Locator("#audit-events tbody tr").First).ToContainTextAsync("<script>alert('ua')</script>");
        Assert.Equal(0, await page.Locator("main img, main script").CountAsync());

        // One event: its links and the covering checkpoint, whose signature verifies.
        var first = events.First(e => e["type"]!.ToString() == "decision.evaluated");
        await page.GotoAsync(Url($"/admin/audit/{first["seq"]}").ToString());
        await Assertions.Expect(page.Locator("[data-field=hash]")).ToHaveTextAsync(first["hash"]!.ToString());
        await Assertions.Expect(page.Locator("[data-field=prev_hash]")).ToHaveTextAsync(first["prev_hash"]!.ToString());
        await Assertions.Expect(page.Locator("[data-field=signature]")).ToHaveTextAsync("verifies; the signed hash is the stored hash");
        await Assertions.Expect(page.Locator("[data-field=self]")).ToHaveTextAsync(
            "payload digest recomputes; hash recomputes; prev_hash is the previous event's hash");
        await Assertions.Expect(page.Locator("[data-field=links]")).ToContainTextAsync("events from this one to the checkpoint link and recompute");
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-event.png"), FullPage = true });

        // The full verification, from the explorer: it verifies, and says so in the trail.
        await page.GotoAsync(Url("/admin/audit").ToString());
        await page.ClickAsync("#verify-chain");
        await Assertions.Expect(page.Locator("main p[role=alert]")).ToContainTextAsync("The chain verifies:");
        Assert.Contains(await fixture.EventsAsync(), e => e["type"]!.ToString() == "audit.verified" && e["outcome"]!.ToString() == "success");

        // Export follows the filters.
        var download = await page.Context.APIRequest.GetAsync(Url("/admin/audit/export?format=jsonl&subject=" + DashboardFixture.Locked).ToString());
        Assert.Equal(200, download.Status);
        var lines = (await download.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(events.Count(e => e["subject"]?["id"]?.ToString() == DashboardFixture.Locked), lines.Length);
    }

    [Fact]
    public async Task Live_ShowsAnEventCreatedDuringTheTest()
    {
        var page = await SignInAsync("/live");
        await Assertions.Expect(page.Locator("#live-status")).ToContainTextAsync("Connected");
        using var client = fixture.Server.Client();
        await DashboardFixture.DecideAsync(client, "live-user", 75);
        var rows = page.Locator("#live-events tbody tr", new() { HasText = "live-user" });
        await Assertions.Expect(rows.Filter(new() { HasText = "decision.evaluated" })).ToHaveCountAsync(1);
        var stored = (await fixture.EventsAsync()).Count(e => e["subject"]?["id"]?.ToString() == "live-user");
        await Assertions.Expect(rows).ToHaveCountAsync(stored);
        await AssertLabelledAsync(page);
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-live.png"), FullPage = true });
    }

    [Fact]
    public async Task Subjects_UnlockNeedsTheAdminsStepUp_ThenUnlocks_AndIsAudited()
    {
        var page = await SignInAsync("/subjects?subject=" + DashboardFixture.Locked);
        await Assertions.Expect(page.Locator("#lock-state")).ToHaveAttributeAsync("data-locked", "true");
        await Assertions.Expect(page.Locator("#factor-table tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#factor-table")).ToContainTextAsync("totp");
        await Assertions.Expect(page.Locator("#seen-table")).ToContainTextAsync("81.2.69.142");
        await AssertLabelledAsync(page);
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-subjects.png"), FullPage = true });

        // First press: StepUp's own challenge page for the admin's subject.
        await page.ClickAsync("#unlock");
        await page.WaitForURLAsync(url => url.Contains("/challenge/", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#action")).ToHaveTextAsync("stepup.dashboard.change");
        await page.FillAsync("#totp-code", Oathtool.Totp(fixture.AdminSecret, DateTimeOffset.UtcNow.AddSeconds(30)));
        await page.ClickAsync("#totp-form button[type=submit]");
        await page.WaitForURLAsync(url => url.Contains("/admin/subjects", StringComparison.Ordinal));

        // Second press: elevated, so the unlock happens.
        await page.ClickAsync("#unlock");
        await Assertions.Expect(page.Locator("#unlock-done")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#lock-state")).ToHaveAttributeAsync("data-locked", "false");

        var unlocked = (await fixture.EventsAsync()).Last(e => e["type"]!.ToString() == "subject.unlocked");
        Assert.Equal(DashboardFixture.Locked, unlocked["subject"]!["id"]!.ToString());
        Assert.Equal(DashboardFixture.Admin, unlocked["payload"]?["actor"]?["subject"]?.ToString() ?? unlocked["actor"]?["subject"]?.ToString());
    }

    [Fact]
    public async Task Alerts_AndPolicy_ShowTheSeededAlert_ValidateAndSimulate()
    {
        var page = await SignInAsync("/alerts");
        var alerts = (await fixture.EventsAsync()).Where(e => e["type"]!.ToString() == "alert.raised").ToList();
        await Assertions.Expect(page.Locator("#alert-table tbody tr")).ToHaveCountAsync(alerts.Count);
        await Assertions.Expect(page.Locator("#alert-table")).ToContainTextAsync("subject_failures");
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-alerts.png"), FullPage = true });

        await page.GotoAsync(Url("/admin/policy").ToString());
        await Assertions.Expect(page.Locator("#policy-history tbody tr").First).ToContainTextAsync((await ActiveVersionAsync())[..12]);
        var text = await page.InputValueAsync("#policy");
        await page.FillAsync("#policy", text + "\n  - id: broken\n    when: resource.attributes.amount >=\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Assertions.Expect(page.Locator("#validation")).ToHaveTextAsync("The candidate has errors.");
        await Assertions.Expect(page.Locator("#diagnostics li").First).ToContainTextAsync("line");

        // Large transfers need a step-up only from 20,000 on, new device or not, and never for the hour.
        var candidate = text.Replace("resource.attributes.amount >= 10000 || risk.new_device", "resource.attributes.amount >= 20000", StringComparison.Ordinal)
            .Replace("when: time.hour < 5 &&", "when: false &&", StringComparison.Ordinal);
        Assert.NotEqual(text, candidate);
        await page.FillAsync("#policy", candidate);
        await page.GetByRole(AriaRole.Button, new() { Name = "Simulate" }).ClickAsync();
        await Assertions.Expect(page.Locator("#simulation-summary")).ToContainTextAsync("Decisions replayed:");
        var decisions = (await fixture.EventsAsync()).Where(e => e["type"]!.ToString() == "decision.evaluated").ToList();
        var summary = await page.Locator("#simulation-summary").TextContentAsync();
        var numbers = Summary().Match(summary!);
        Assert.Equal(decisions.Count, long.Parse(numbers.Groups["replayed"].Value) + long.Parse(numbers.Groups["skipped"].Value));

        // Case by case: exactly the step-ups that only those two rules asked for become allows.
        string[] relaxed = ["large-transfer", "night-time-payments"];
        var expected = decisions.Where(d => d["outcome"]!.ToString() == "step_up"
            && d["decision"]!["rules"]!.AsArray().Select(r => r!.ToString()).All(relaxed.Contains)).Select(d => d["id"]!.ToString()).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count.ToString(), numbers.Groups["changed"].Value);
        foreach (var id in expected)
        {
            await Assertions.Expect(page.Locator("#simulation-changes tbody tr", new() { HasText = id })).ToContainTextAsync("step_up → allow");
        }

        await AssertLabelledAsync(page);
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-policy.png"), FullPage = true });

        var audited = (await fixture.EventsAsync()).Where(e => e["type"]!.ToString() == "admin.action").Select(e => e["action"]!.ToString()).ToList();
        Assert.Contains("admin.policy.validate", audited);
        Assert.Contains("admin.policy.simulate", audited);
        Assert.Contains("admin.sign_in", audited);
    }

    [Fact]
    public async Task Policy_History_DiffsTwoVersions()
    {
        using var client = fixture.Server.Client();
        var before = (await client.GetFromJsonAsync<JsonObject>("/v1/policy"))!["version"]!.ToString();
        var text = await File.ReadAllTextAsync(fixture.PolicyPath);
        await File.WriteAllTextAsync(fixture.PolicyPath, text.Replace("max_age: 10m", "max_age: 7m", StringComparison.Ordinal));
        fixture.Server.Signal("HUP");
        for (var attempt = 0; attempt < 100 && (await client.GetFromJsonAsync<JsonObject>("/v1/policy"))!["version"]!.ToString() == before; attempt++)
        {
            await Task.Delay(100);
        }

        var page = await SignInAsync("/policy");
        await Assertions.Expect(page.Locator("#policy-history tbody tr")).ToHaveCountAsync(2);
        await page.Locator("#policy-history tbody tr").Nth(1).GetByRole(AriaRole.Radio).First.CheckAsync();
        await page.Locator("#policy-history tbody tr").Nth(0).GetByRole(AriaRole.Radio).Last.CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show the difference" }).ClickAsync();
        var removed = page.Locator("#policy-diff .del");
        var added = page.Locator("#policy-diff .add");
        var changes = text.Split('\n').Count(l => l.Contains("max_age: 10m", StringComparison.Ordinal));
        await Assertions.Expect(removed).ToHaveCountAsync(changes);
        await Assertions.Expect(added).ToHaveCountAsync(changes);
        await Assertions.Expect(removed.First).ToContainTextAsync("max_age: 10m");
        await Assertions.Expect(added.First).ToContainTextAsync("max_age: 7m");
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-policy-diff.png"), FullPage = true });
    }

    [Fact]
    public async Task Reports_DownloadsASignedSoc2Report_ThatVerifiesWithTheAuditKeys()
    {
        var page = await SignInAsync("/reports");
        await AssertLabelledAsync(page);
        await page.ScreenshotAsync(new() { Path = Screenshot("admin-reports.png"), FullPage = true });
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download the signed report" }).ClickAsync());
        var html = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("CC6.1", html, StringComparison.Ordinal);

        using var client = fixture.Server.Client();
        var keys = StepUp.Core.Security.JsonWebKeySet.Parse(await client.GetStringAsync("/.well-known/jwks.json"));
        Assert.True(StepUp.Core.Reports.ReportSignature.Verify(html, keys).Ok);
        Assert.False(StepUp.Core.Reports.ReportSignature.Verify(html.Replace("CC6.1", "CC6.9", StringComparison.Ordinal), keys).Ok);
        Assert.Contains(await fixture.EventsAsync(), e => e["type"]!.ToString() == "admin.action" && e["action"]!.ToString() == "admin.report.soc2");
    }

    [Fact]
    public async Task WithoutASession_NoPageIsReachable_AndPostsWithoutTheFormTokenChangeNothing()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Server.BaseAddress };
        foreach (var path in new[] { "/admin", "/admin/live", "/admin/audit", "/admin/audit/1", "/admin/subjects", "/admin/alerts", "/admin/policy", "/admin/reports", "/admin/audit/export" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/admin/login?next=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        using (var stream = await client.GetAsync("/admin/live/stream"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, stream.StatusCode);
        }

        using (var unlock = await client.PostAsync("/admin/subjects/unlock", new FormUrlEncodedContent(new Dictionary<string, string> { ["subject"] = "x" })))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unlock.StatusCode);
            Assert.Contains("SU1080", await unlock.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A form over the reader's limits is a 400 problem, not a 500.
        using (var huge = await client.PostAsync("/admin/login", new FormUrlEncodedContent(Enumerable.Range(0, 2000).Select(i => KeyValuePair.Create("f" + i, "x")))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
            Assert.Contains("SU1007", await huge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Signed in, but a POST without the session's form token is refused and nothing is unlocked.
        var login = await client.GetStringAsync("/admin/login");
        var csrf = CsrfField().Match(login).Groups[1].Value;
        using (var signIn = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
               {
                   ["csrf"] = csrf, ["api_key"] = ServerProcess.Key, ["subject"] = DashboardFixture.Admin,
               })))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);
        foreach (var token in new[] { null, "wrong-token" })
        {
            var form = new Dictionary<string, string> { ["subject"] = "someone" };
            if (token is not null) form["csrf"] = token;
            using var response = await client.PostAsync("/admin/subjects/unlock", new FormUrlEncodedContent(form));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("SU1081", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A wrong key is refused without saying which part was wrong, and audited.
        var again = CsrfField().Match(await client.GetStringAsync("/admin/login")).Groups[1].Value;
        using var refused = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf"] = again, ["api_key"] = "not-a-key", ["subject"] = DashboardFixture.Admin,
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("SU1082", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(await fixture.EventsAsync(), e => e["type"]!.ToString() == "admin.action" && e["outcome"]!.ToString() == "failure");
        Assert.DoesNotContain(await fixture.EventsAsync(), e => e["type"]!.ToString() == "subject.unlocked" && e["subject"]?["id"]?.ToString() == "someone");
    }

    [Fact]
    public async Task RevokingTheKey_EndsItsSessions_AndOnlyOperatorKeysWithTheScopesSignIn()
    {
        using var api = fixture.Server.Client();
        string[] scopes = ["admin", "audit:read", "factors"];
        var admin = await CreateKeyAsync(api, "default", scopes);
        var reader = await CreateKeyAsync(api, "default", ["admin", "audit:read"]);
        var appKey = await CreateKeyAsync(api, "payments", scopes);

        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync(client, reader["key"]!.ToString()));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync(client, appKey["key"]!.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, await SignInStatusAsync(client, admin["key"]!.ToString()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/alerts")).StatusCode);

        (await api.DeleteAsync($"/v1/apikeys/{admin["id"]}")).EnsureSuccessStatusCode();
        using var after = await client.GetAsync("/admin/alerts");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/admin/login", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    private async Task<string> ActiveVersionAsync()
    {
        using var client = fixture.Server.Client();
        return (await client.GetFromJsonAsync<JsonObject>("/v1/policy"))!["version"]!.ToString();
    }

    [Fact]
    public async Task SigningOut_EndsAnOpenLiveStream()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        Assert.Equal(HttpStatusCode.Redirect, await SignInStatusAsync(client, ServerProcess.Key));
        var csrf = CsrfField().Match(await client.GetStringAsync("/admin/reports")).Groups[1].Value;

        using var stream = await client.GetAsync("/admin/live/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var body = await stream.Content.ReadAsStreamAsync();
        using (var logout = await client.PostAsync("/admin/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = csrf })))
        {
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        }

        // The server ends the response within its check interval; reading reaches the end.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        while (await body.ReadAsync(buffer, deadline.Token) > 0)
        {
        }

        using var again = await client.GetAsync("/admin/live/stream");
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    private static async Task<JsonObject> CreateKeyAsync(HttpClient api, string app, string[] scopes)
    {
        using var response = await api.PostAsJsonAsync("/v1/apikeys", new { name = "dashboard-" + app, app, scopes });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<HttpStatusCode> SignInStatusAsync(HttpClient client, string key)
    {
        var csrf = CsrfField().Match(await client.GetStringAsync("/admin/login")).Groups[1].Value;
        using var response = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["csrf"] = csrf, ["api_key"] = key, ["subject"] = DashboardFixture.Admin,
        }));
        return response.StatusCode;
    }

    [GeneratedRegex(@"Decisions replayed: (?<replayed>\d+); changed: (?<changed>\d+); skipped: (?<skipped>\d+)")]
    private static partial Regex Summary();

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
