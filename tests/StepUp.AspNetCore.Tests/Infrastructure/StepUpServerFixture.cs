using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>
/// One real StepUp server for the integration tests (<see cref="TestPolicy"/>), with API keys of
/// app <c>bank</c> (the test app's, scope <c>decisions</c>), a <c>bank</c> key for the user's side
/// (enrolment and verification) and a key of another app, <c>other</c>.
/// </summary>
public class StepUpServerFixture : IAsyncLifetime
{
    public const string App = "bank";
    public const string OtherApp = "other";

    private StepUpServerProcess? _server;

    public StepUpServerProcess Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>What the test app uses: app <c>bank</c>, scope <c>decisions</c>.</summary>
    public string AppKey { get; private set; } = "";

    /// <summary>App <c>bank</c>, scopes <c>decisions factors</c>: enrols subjects and answers challenges, as the user's browser would through the hosted page.</summary>
    public string UserSideKey { get; private set; } = "";

    /// <summary>App <c>other</c>, scopes <c>decisions factors</c>.</summary>
    public string OtherAppKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _server = await StepUpServerProcess.StartAsync(TestPolicy.Yaml());
        AppKey = await CreateKeyAsync(App, "decisions");
        UserSideKey = await CreateKeyAsync(App, "decisions", "factors");
        OtherAppKey = await CreateKeyAsync(OtherApp, "decisions", "factors");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<string> CreateKeyAsync(string app, params string[] scopes)
    {
        using var client = Client(StepUpServerProcess.BootstrapKey);
        var response = await client.PostAsJsonAsync("/v1/apikeys", new { name = "aspnetcore tests " + app, app, scopes });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
    }

    /// <summary>Gives a fresh subject its first factor, a set of recovery codes (no step-up needed for the first).</summary>
    public async Task<Queue<string>> EnrolAsync(string subject, string? key = null)
    {
        using var client = Client(key ?? UserSideKey);
        var response = await client.PostAsync($"/v1/subjects/{Uri.EscapeDataString(subject)}/recovery-codes", null);
        response.EnsureSuccessStatusCode();
        var codes = (await response.Content.ReadFromJsonAsync<JsonObject>())!["codes"]!.AsArray();
        return new Queue<string>(codes.Select(c => c!.GetValue<string>()));
    }

    /// <summary>Answers a challenge with a recovery code and returns the elevation token.</summary>
    public async Task<string> VerifyAsync(string challengeId, string code, string? key = null)
    {
        using var client = Client(key ?? UserSideKey);
        var response = await client.PostAsJsonAsync($"/v1/challenges/{challengeId}/verify", new { method = "recovery_code", code });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"verify answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["elevation"]!["token"]!.GetValue<string>();
    }

    /// <summary>A decision straight from StepUp (not through the test app), with another app's key for instance.</summary>
    public async Task<JsonObject> DecideAsync(string key, object request)
    {
        using var client = Client(key);
        var response = await client.PostAsJsonAsync("/v1/decisions", request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Audit events of <paramref name="subject"/>, newest first (the bootstrap key sees every app).</summary>
    public async Task<List<JsonObject>> EventsAsync(string subject, string? type = null)
    {
        using var client = Client(StepUpServerProcess.BootstrapKey);
        var url = $"/v1/audit/events?limit=1000&subject={Uri.EscapeDataString(subject)}" + (type is null ? "" : "&type=" + type);
        var page = await client.GetFromJsonAsync<JsonObject>(url);
        return page!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
    }

    /// <summary>The <c>decision.evaluated</c> event of one decision.</summary>
    public async Task<JsonObject> DecisionEventAsync(string subject, string decisionId) =>
        (await EventsAsync(subject, "decision.evaluated")).Single(e => e["id"]!.GetValue<string>() == decisionId);
}

[CollectionDefinition(Name)]
public sealed class StepUpServerCollection : ICollectionFixture<StepUpServerFixture>
{
    public const string Name = "StepUp server";
}
