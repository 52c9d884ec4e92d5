using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;
using StepUp.Server.Tests.Pages.Browser;

namespace StepUp.Server.Tests.Admin;

/// <summary>
/// One StepUp process (example policy, checkpoints every 5 events) with the dashboard enabled for
/// subject <see cref="Admin"/>, who has TOTP, and a seeded trail: decisions for alice, a subject whose
/// id and user agent are HTML, and <see cref="Locked"/> locked out by twenty wrong codes.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Admin = "root";
    public const string Locked = "bob";
    public const string HtmlSubject = "<img src=x onerror=alert(1)>";
    public const string HtmlAgent = "<script>alert('ua')</script> Mozilla/5.0 (Windows NT 10.0)";

    public ServerProcess Server { get; private set; } = null!;

    public ChromiumBrowser Chromium { get; private set; } = null!;

    public string AdminSecret { get; private set; } = null!;

    /// <summary>A copy of the example policy the server reads (SIGHUP reloads it).</summary>
    public string PolicyPath { get; } = Path.Combine(Directory.CreateTempSubdirectory("stepup-dashboard-").FullName, "policy.yaml");

    public async ValueTask InitializeAsync()
    {
        // The example policy, with bob's lockout lasting longer than any slow test run.
        var example = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "policy.example.yaml"));
        Assert.Contains("backoff_min: 1m", example, StringComparison.Ordinal);
        await File.WriteAllTextAsync(PolicyPath, example.Replace("backoff_min: 1m", "backoff_min: 1h", StringComparison.Ordinal));
        Server = await ServerProcess.StartOnLocalhostAsync(port =>
        [
            $"--StepUp:PolicyPath={PolicyPath}",
            "--StepUp:PolicyWatch=false",
            $"--StepUp:PublicUrl=http://localhost:{port}",
            $"--StepUp:Admin:Subjects:0={Admin}",
            "--StepUp:Audit:CheckpointEvery=5",
            "--StepUp:Audit:CheckpointInterval=00:00:01",
        ]);
        Chromium = await ChromiumBrowser.LaunchAsync();
        using var client = Server.Client();
        AdminSecret = await EnrollTotpAsync(client, Admin);
        var bobSecret = await EnrollTotpAsync(client, Locked);
        Assert.NotNull(bobSecret);

        await DecideAsync(client, "alice", 50);
        await DecideAsync(client, "alice", 12_000);
        await DecideAsync(client, HtmlSubject, 50, HtmlAgent);
        for (var round = 0; round < 4; round++)
        {
            var decision = await DecideAsync(client, Locked, 12_000);
            var challenge = decision["challenge"]?["id"]?.GetValue<string>();
            if (challenge is null)
            {
                break; // locked: the decision is a deny
            }

            for (var attempt = 0; attempt < 5; attempt++)
            {
                using var wrong = await client.PostAsJsonAsync($"/v1/challenges/{challenge}/verify", new { method = "totp", code = "000000" });
                if ((int)wrong.StatusCode is 423 or 410)
                {
                    break;
                }
            }
        }

        var subject = await client.GetFromJsonAsync<JsonObject>($"/v1/subjects/{Locked}");
        Assert.True(subject!["locked"]!.GetValue<bool>(), "the seed should lock bob");
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        await Server.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(PolicyPath)!, recursive: true);
    }

    public static async Task<JsonObject> DecideAsync(HttpClient client, string subject, double amount, string? userAgent = null)
    {
        using var response = await client.PostAsJsonAsync("/v1/decisions", new
        {
            subject = new { id = subject, session_id = "s-" + subject.Length },
            action = "payments.transfer",
            resource = new { type = "transfer", id = "t-1", attributes = new { amount, currency = "EUR" } },
            context = new { ip = "81.2.69.142", device_id = "d-1", user_agent = userAgent ?? "Mozilla/5.0 (X11; Linux x86_64)" },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Every stored event, oldest first, through the API (the independent count the pages are checked against).</summary>
    public async Task<List<JsonObject>> EventsAsync()
    {
        using var client = Server.Client();
        var page = await client.GetFromJsonAsync<JsonObject>("/v1/audit/events?limit=1000");
        var events = page!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        events.Reverse();
        return events;
    }

    private static async Task<string> EnrollTotpAsync(HttpClient client, string subject)
    {
        var enrolment = (await (await client.PostAsync($"/v1/subjects/{subject}/factors/totp", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        var secret = enrolment["secret"]!.GetValue<string>();
        using var activate = await client.PostAsJsonAsync($"/v1/subjects/{subject}/factors/totp/{enrolment["factor_id"]}/activate",
            new { code = Oathtool.Totp(secret, DateTimeOffset.UtcNow) });
        activate.EnsureSuccessStatusCode();
        return secret;
    }
}
