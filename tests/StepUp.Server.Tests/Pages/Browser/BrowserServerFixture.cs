using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Pages.Browser;

/// <summary>
/// A real StepUp process on <c>http://localhost:PORT</c> (a secure context, as WebAuthn needs) with
/// RP ID <c>localhost</c>, plus one Chromium for the test class. The server also lists the origin
/// <c>http://wrongrp.localhost:PORT</c>, so an assertion made there for another RP ID fails on the
/// RP ID check rather than the origin check; <c>http://app.localhost:PORT</c> is the allowed
/// return_to origin (the browser never reaches it: tests answer it with a Playwright route).
/// </summary>
public sealed class BrowserServerFixture : IAsyncLifetime
{
    private ServerProcess? _server;
    private ChromiumBrowser? _chromium;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("not started");

    public IBrowser Browser => (_chromium ?? throw new InvalidOperationException("not started")).Browser;

    public int Port => Server.BaseAddress.Port;

    public string Origin => $"http://localhost:{Port}";

    public string AppOrigin => $"http://app.localhost:{Port}";

    public string WrongRpOrigin => $"http://wrongrp.localhost:{Port}";

    /// <summary>Where screenshots go: the test output directory.</summary>
    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        _chromium = await ChromiumBrowser.LaunchAsync();
        _server = await ServerProcess.StartOnLocalhostAsync(port =>
        [
            "--StepUp:WebAuthn:RpId=localhost",
            $"--StepUp:WebAuthn:Origins:0=http://localhost:{port}",
            $"--StepUp:WebAuthn:Origins:1=http://wrongrp.localhost:{port}",
            $"--StepUp:PublicUrl=http://localhost:{port}",
            $"--StepUp:AllowedReturnOrigins:0=http://app.localhost:{port}",
        ]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public HttpClient Api() => Server.Client();

    /// <summary>A free loopback port nothing listens on (an origin only a Playwright route answers).</summary>
    public static int UnusedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<JsonObject> DecideAsync(string subject, string session, string action, string? token = null, object? resource = null)
    {
        var body = new JsonObject
        {
            ["subject"] = new JsonObject { ["id"] = subject, ["session_id"] = session },
            ["action"] = action,
            ["context"] = new JsonObject { ["ip"] = "81.2.69.142", ["auth"] = new JsonObject { ["level"] = "aal1", ["amr"] = new JsonArray("pwd") } },
        };
        if (resource is not null)
        {
            body["resource"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(resource));
        }

        if (token is not null)
        {
            body["elevation_token"] = token;
        }

        var response = await Api().PostAsJsonAsync("/v1/decisions", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task<string> EnrollmentLinkAsync(string subject)
    {
        var response = await Api().PostAsync($"/v1/subjects/{subject}/enrollments", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>();
    }

    public async Task<List<JsonObject>> EventsAsync(string type)
    {
        var page = await Api().GetFromJsonAsync<JsonObject>("/v1/audit/events?limit=1000&type=" + type);
        return page!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
    }
}
