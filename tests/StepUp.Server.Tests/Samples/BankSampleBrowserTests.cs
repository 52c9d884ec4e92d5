using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using StepUp.Server.Tests.Infrastructure;
using StepUp.Server.Tests.Pages.Browser;

namespace StepUp.Server.Tests.Samples;

/// <summary>
/// The sample bank (samples/StepUp.Samples.Bank, protected with StepUp.AspNetCore) and a real
/// StepUp, both as processes on loopback, walked through in Debian's Chromium: sign in, a small
/// transfer passes, a large one sends the user to StepUp's challenge page, a TOTP code (from
/// oathtool) approves it, the page retries with the token, and the audit trail tells it in order.
/// </summary>
public sealed class BankSampleBrowserTests : IAsyncLifetime
{
    private const string User = "alice";
    private ServerProcess _stepUp = null!;
    private ServerProcess _bank = null!;
    private ChromiumBrowser _chromium = null!;

    public async ValueTask InitializeAsync()
    {
        var bankPort = ServerProcess.FreePort();
        var policy = Path.Combine(RepositoryRoot(), "samples", "StepUp.Samples.Bank", "stepup-policy.yaml");
        _stepUp = await ServerProcess.StartAsync($"--StepUp:PolicyPath={policy}", $"--StepUp:AllowedReturnOrigins:0=http://127.0.0.1:{bankPort}");
        _bank = await ServerProcess.StartAppAsync("samples/StepUp.Samples.Bank", bankPort, "/login",
            $"--StepUp:Authority={_stepUp.BaseAddress}", $"--StepUp:ApiKey={ServerProcess.Key}", "--StepUp:App=default");
        _chromium = await ChromiumBrowser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _bank.DisposeAsync();
        await _stepUp.DisposeAsync();
    }

    [Fact]
    public async Task SmallTransferPasses_LargeTransferNeedsTotp_ThenSucceeds_AndTheAuditTellsTheStory()
    {
        var secret = await EnrollTotpAsync();
        var page = await _chromium.Browser.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add("error: " + error);
        try
        {
            await WalkThroughAsync(page, secret);
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            Assert.Fail($"{ex.Message}\nbrowser console:\n{string.Join('\n', console)}\nbank output:\n{_bank.Output}");
        }

        // The audit trail, oldest first, tells the whole story.
        var story = (await AuditAsync())
            .Where(e => e["subject"]?["id"]?.GetValue<string>() == User && e["action"]?.GetValue<string>() == "payments.transfer")
            .Select(e => e["type"]!.GetValue<string>() + (e["type"]!.GetValue<string>() == "decision.evaluated" ? ":" + e["outcome"]!.GetValue<string>() : string.Empty))
            .ToList();
        Assert.Equal(
        [
            "decision.evaluated:allow",
            "decision.evaluated:step_up",
            "stepup.challenge.created",
            "stepup.challenge.verified",
            "decision.evaluated:allow",
            "elevation.used",
        ], story.Where(t => t != "elevation.granted").ToList());
        Assert.Contains("elevation.granted", story);
        Assert.True(story.IndexOf("elevation.granted") > story.IndexOf("stepup.challenge.verified"));
    }

    private async Task WalkThroughAsync(IPage page, string secret)
    {
        await page.GotoAsync(new Uri(_bank.BaseAddress, "/login").ToString());
        await page.FillAsync("#username", User);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(new Uri(_bank.BaseAddress, "/").ToString());

        // A small transfer: no prompt.
        await page.FillAsync("#amount", "50");
        await page.ClickAsync("#transfer button");
        await Assertions.Expect(page.Locator("#result")).ToContainTextAsync("Transfer of 50.00 EUR");
        Assert.StartsWith(_bank.BaseAddress.ToString(), page.Url, StringComparison.Ordinal);

        // A large one: StepUp's challenge page, showing what is approved.
        await page.ReloadAsync();
        await page.FillAsync("#amount", "12000");
        await page.ClickAsync("#transfer button");
        await page.WaitForURLAsync(url => url.StartsWith(new Uri(_stepUp.BaseAddress, "/challenge/").ToString(), StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#action")).ToHaveTextAsync("payments.transfer");
        await Assertions.Expect(page.Locator("#resource")).ToContainTextAsync("amount=12000");
        await page.FillAsync("#totp-code", Oathtool.Totp(secret, DateTimeOffset.UtcNow.AddSeconds(30)));
        await page.ClickAsync("#totp-form button[type=submit]");

        // Back at the bank with the token in the fragment: the page retries and the transfer is done.
        await page.WaitForURLAsync(url => url.StartsWith(_bank.BaseAddress.ToString(), StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#result")).ToContainTextAsync("Transfer of 12000.00 EUR", new() { Timeout = 15_000 });
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#transfers tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#balance")).ToHaveTextAsync("237,950.00 EUR");
    }

    /// <summary>Enrols TOTP for the user through StepUp's API (a person would scan the QR code on the hosted page).</summary>
    private async Task<string> EnrollTotpAsync()
    {
        using var client = _stepUp.Client();
        var enrolment = (await (await client.PostAsync($"/v1/subjects/{User}/factors/totp", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        var secret = enrolment["secret"]!.GetValue<string>();
        var activate = await client.PostAsJsonAsync($"/v1/subjects/{User}/factors/totp/{enrolment["factor_id"]}/activate",
            new { code = Oathtool.Totp(secret, DateTimeOffset.UtcNow) });
        activate.EnsureSuccessStatusCode();
        return secret; // the next step's code (accepted one step early) answers the challenge
    }

    private async Task<List<JsonObject>> AuditAsync()
    {
        using var client = _stepUp.Client();
        var page = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?limit=1000");
        var events = page!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        events.Reverse();
        return events;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StepUp.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("StepUp.slnx not found above " + AppContext.BaseDirectory);
    }
}
