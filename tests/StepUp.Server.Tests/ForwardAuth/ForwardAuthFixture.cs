using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>
/// A server with forward auth on: a policy whose routes protect transfers (always a step-up), admin
/// pages (step-up), record deletion (deny) and PDF reports (allow). Test requests come from
/// <see cref="Proxy"/>, a trusted proxy (TestServer has no TCP peer, so each request sets one).
/// </summary>
public class ForwardAuthFixture : ServerFixture
{
    public const string Secret = "forward-secret-0123456789abcdef";
    public const string AppOrigin = "https://app.example";
    public const string PublicUrl = "https://stepup.example";
    public const string App = "forward-auth";

    public const string Policy = """
        version: 1
        defaults: { decision: allow, max_age: 15m, challenge_ttl: 5m, max_attempts: 5 }
        rules:
          - id: transfers-need-step-up
            actions: [payments.transfer]
            effect: step_up
            level: aal2
            max_age: 5m
            bind: resource
          - id: admin-needs-step-up
            actions: ["admin.**"]
            effect: step_up
            level: aal2
          - id: no-record-deletes
            actions: [records.delete]
            effect: deny
        routes:
          - { method: POST, path: "/api/transfers", action: payments.transfer }
          - { method: DELETE, path: "/api/records/*", action: records.delete }
          - { method: GET, path: "/api/reports/*.pdf", action: reports.read }
          - { path: "/admin/**", action: admin.access }
        """;

    public static readonly IPAddress Proxy = IPAddress.Parse("192.0.2.10");

    private string? _appKey;

    public ForwardAuthFixture() => File.WriteAllText(PolicyPath, Policy);

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("StepUp:ForwardAuth:Secret", Secret),
        new("StepUp:TrustedProxies:0", Proxy.ToString()),
        new("StepUp:TrustedProxies:1", "2001:db8:1::/48"),
        new("StepUp:PublicUrl", PublicUrl),
        new("StepUp:AllowedReturnOrigins:0", AppOrigin),
        .. ExtraSettings,
    ];

    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings => [];

    /// <summary>A client whose requests arrive from <paramref name="peer"/> (default: the trusted proxy; null: no peer address).</summary>
    public HttpClient From(IPAddress? peer)
    {
        var handler = Server.CreateHandler(context => context.Connection.RemoteIpAddress = peer);
        return new HttpClient(handler) { BaseAddress = Server.BaseAddress };
    }

    public HttpClient FromProxy() => From(Proxy);

    /// <summary>A forward-auth call as nginx would make it for <paramref name="method"/> <paramref name="uri"/>.</summary>
    public static HttpRequestMessage Forwarded(string method, string uri, string? subject = "alice", string? session = "session-cookie-1", string? accept = null, string? secret = Secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/forward-auth");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Method", method);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Uri", uri);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "app.example");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7, 192.0.2.10");
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (forward-auth test)");
        if (secret is not null)
        {
            request.Headers.TryAddWithoutValidation("X-StepUp-Forward-Secret", secret);
        }

        if (subject is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-User", subject);
        }

        if (session is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Session", session);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return request;
    }

    /// <summary>A key of the forward-auth app (decisions, factors): it verifies forward-auth challenges.</summary>
    public async Task<HttpClient> AppClientAsync()
    {
        _appKey ??= await CreateKeyAsync(App, "decisions", "factors");
        return Client(_appKey);
    }

    /// <summary>A fresh set of recovery codes for <paramref name="subject"/> of the forward-auth app.</summary>
    public async Task<List<string>> RecoveryCodesAsync(string subject)
    {
        var response = await (await AppClientAsync()).PostAsync($"/v1/subjects/{Uri.EscapeDataString(subject)}/recovery-codes", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
    }

    /// <summary>Answers a challenge with a recovery code through <c>POST /v1/challenges/{id}/verify</c>.</summary>
    public async Task<HttpResponseMessage> VerifyAsync(string challengeId, string code) =>
        await (await AppClientAsync()).PostAsJsonAsync($"/v1/challenges/{challengeId}/verify", new { method = "recovery_code", code });
}

/// <summary>Forward auth with <c>BrowserMode=redirect</c>, the session from a cookie and a device cookie.</summary>
public sealed class RedirectModeFixture : ForwardAuthFixture
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("StepUp:ForwardAuth:BrowserMode", "redirect"),
        new("StepUp:ForwardAuth:SessionCookie", "app_session"),
        new("StepUp:ForwardAuth:DeviceCookie", "device"),
    ];
}
