using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;
using StepUp.Server.Tests.Metrics;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>
/// The shipped <c>deploy/nginx/stepup.conf</c>, with only its EDIT values substituted, run by a
/// real nginx in front of <see cref="EchoUpstream"/>, with a real StepUp process behind
/// <c>auth_request</c> (forward-auth secret, trusted proxy 127.0.0.1, the test policy, hosted pages
/// served through nginx). The subject <c>alice</c> of the forward-auth app has recovery codes.
/// </summary>
public sealed class NginxForwardAuthFixture : IAsyncLifetime
{
    public const string Secret = "nginx-forward-secret-0123456789";
    public const string Subject = "alice";

    private readonly string _directory = Directory.CreateTempSubdirectory("stepup-nginx-policy-").FullName;
    private List<string> _codes = [];
    private int _nextCode = -1;

    public EchoUpstream Upstream { get; private set; } = null!;

    public ServerProcess StepUp { get; private set; } = null!;

    public NginxServer Nginx { get; private set; } = null!;

    /// <summary>An API client of the forward-auth app (verifies its challenges).</summary>
    public HttpClient AppClient { get; private set; } = null!;

    public string Origin => $"http://127.0.0.1:{Nginx.Port}";

    /// <summary>The shipped file with the listen port, upstream addresses and secret replaced (each must occur exactly once).</summary>
    public static string ShippedConfig(int listenPort, int stepUpPort, int appPort, string secret)
    {
        var text = File.ReadAllText(Path.Combine(ExternalTool.RepositoryRoot(), "deploy", "nginx", "stepup.conf"));
        string Replace(string text, string from, string to)
        {
            var count = (text.Length - text.Replace(from, string.Empty, StringComparison.Ordinal).Length) / from.Length;
            Assert.True(count == 1, $"deploy/nginx/stepup.conf should contain '{from}' exactly once, found {count}");
            return text.Replace(from, to, StringComparison.Ordinal);
        }

        text = Replace(text, "listen 80;", $"listen 127.0.0.1:{listenPort};");
        text = Replace(text, "server 127.0.0.1:8080;", $"server 127.0.0.1:{stepUpPort};");
        text = Replace(text, "server 127.0.0.1:3000;", $"server 127.0.0.1:{appPort};");
        return Replace(text, "change-me-to-a-long-random-secret", secret);
    }

    public async ValueTask InitializeAsync()
    {
        Upstream = await EchoUpstream.StartAsync();
        var port = NginxServer.FreePort();
        var policy = Path.Combine(_directory, "policy.yaml");
        await File.WriteAllTextAsync(policy, ForwardAuthFixture.Policy);
        StepUp = await ServerProcess.StartAsync(
            "--StepUp:PolicyPath=" + policy,
            "--StepUp:ForwardAuth:Secret=" + Secret,
            "--StepUp:TrustedProxies:0=127.0.0.1",
            $"--StepUp:PublicUrl=http://127.0.0.1:{port}",
            $"--StepUp:AllowedReturnOrigins:0=http://127.0.0.1:{port}");
        Nginx = await NginxServer.StartAsync(ShippedConfig(port, StepUp.BaseAddress.Port, Upstream.Port, Secret), port);

        var created = await StepUp.Client().PostAsJsonAsync("/v1/apikeys", new { name = "nginx test", app = ForwardAuthFixture.App, scopes = new[] { "decisions", "factors" } });
        created.EnsureSuccessStatusCode();
        AppClient = new HttpClient { BaseAddress = StepUp.BaseAddress };
        AppClient.DefaultRequestHeaders.Authorization = new("Bearer", (await created.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>());
        var codes = await AppClient.PostAsync($"/v1/subjects/{Subject}/recovery-codes", null);
        Assert.Equal(HttpStatusCode.Created, codes.StatusCode);
        _codes = (await codes.Content.ReadFromJsonAsync<JsonObject>())!["codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
    }

    /// <summary>A request through nginx, as the authentication layer in front (127.0.0.1) or a client elsewhere would send it.</summary>
    public Task<RawHttp.Response> SendAsync(string method, string target, string? session = null, string? accept = null, IPAddress? from = null, params (string, string)[] extra)
    {
        var headers = new List<(string, string)>(extra);
        if (session is not null)
        {
            headers.Add(("X-Forwarded-User", Subject));
            headers.Add(("X-Forwarded-Session", session));
        }

        headers.Add(("Accept", accept ?? "application/json"));
        return RawHttp.SendAsync(Nginx.Port, method, target, headers, from);
    }

    /// <summary>Steps the session up for transfers: the API answer's challenge, verified with a recovery code through the API.</summary>
    public async Task ElevateAsync(string session)
    {
        var refused = await SendAsync("POST", "/api/transfers", session);
        Assert.True(refused.Status == 401, refused.ToString());
        var verified = await AppClient.PostAsJsonAsync($"/v1/challenges/{ChallengeId(refused.Header("X-StepUp-Challenge")!)}/verify",
            new { method = "recovery_code", code = NextCode() });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
    }

    /// <summary>An unused recovery code of <see cref="Subject"/> (tests of the class may run in any order).</summary>
    public string NextCode() => _codes[Interlocked.Increment(ref _nextCode)];

    /// <summary>The challenge id in a hosted challenge URL (<c>…/challenge/{id}?…#…</c>).</summary>
    public static string ChallengeId(string url)
    {
        var path = new Uri(url).AbsolutePath;
        return path[(path.LastIndexOf('/') + 1)..];
    }

    public async ValueTask DisposeAsync()
    {
        AppClient?.Dispose();
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        if (StepUp is not null)
        {
            await StepUp.DisposeAsync();
        }

        if (Upstream is not null)
        {
            await Upstream.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
