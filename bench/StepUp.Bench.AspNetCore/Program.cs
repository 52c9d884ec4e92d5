using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StepUp.AspNetCore;
using StepUp.AspNetCore.Tests.Infrastructure;
using StepUp.Bench.AspNetCore;

// Added latency of RequireStepUp on an allowed request, against a real StepUp on loopback:
//   plain   — GET /plain/r-1: the same endpoint without RequireStepUp (baseline)
//   local   — GET /records/r-1?classification=restricted with a non-once elevation token: checked locally, StepUp not called
//   online  — GET /records/r-1: StepUp decides allow (one POST /v1/decisions, audited and fsync'd before it answers)
// Sequential requests from one HttpClient over loopback, interleaved in rounds so drift hits every variant alike.
var requests = Arg("--requests", 20_000);
var warmup = Arg("--warmup", 2_000);
const int Rounds = 10;

Console.WriteLine($"StepUp.AspNetCore latency benchmark: {requests} requests per variant after {warmup} warm-up, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
var policy = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml"));
await using var server = await StepUpServerProcess.StartAsync(policy);
using var admin = new HttpClient { BaseAddress = server.BaseAddress };
admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StepUpServerProcess.BootstrapKey);
var appKey = await CreateKeyAsync("bench", "decisions");
var userKey = await CreateKeyAsync("bench", "decisions", "factors");

await using var app = await StartAppAsync(server, appKey);
using var client = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new() }) { BaseAddress = app.Address };
client.DefaultRequestHeaders.Add("X-User", "bench-user");
client.DefaultRequestHeaders.Add("X-Session", "bench-session");

// A real elevation for records.read on a restricted record (example policy: aal2, 15 min, not once).
var codes = await EnrolAsync("bench-user");
var challenge = await client.GetAsync("/records/r-1?classification=restricted");
if ((int)challenge.StatusCode != 401)
{
    throw new InvalidOperationException("expected a step-up, got " + (int)challenge.StatusCode);
}

var challengeId = JsonNode.Parse(await challenge.Content.ReadAsStringAsync())!["challenge"]!["id"]!.GetValue<string>();
var token = await VerifyAsync(challengeId, codes[0]);

var variants = new (string Name, Func<HttpRequestMessage> Request, string ExpectedSource)[]
{
    ("plain (no RequireStepUp)", () => new HttpRequestMessage(HttpMethod.Get, "/plain/r-1"), ""),
    ("RequireStepUp, local token", () => WithToken(new HttpRequestMessage(HttpMethod.Get, "/records/r-1?classification=restricted"), token), "LocalToken"),
    ("RequireStepUp, online allow", () => new HttpRequestMessage(HttpMethod.Get, "/records/r-1"), "Decision"),
};
foreach (var variant in variants)
{
    // Check each variant takes the path it is named for before timing it.
    using var response = await client.SendAsync(variant.Request());
    var source = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode || source != variant.ExpectedSource)
    {
        throw new InvalidOperationException($"{variant.Name}: got {(int)response.StatusCode} '{source}'");
    }
}

var samples = variants.Select(v => new LatencySample(v.Name, requests)).ToArray();
for (var i = 0; i < warmup; i++)
{
    foreach (var variant in variants)
    {
        using var response = await client.SendAsync(variant.Request());
        response.EnsureSuccessStatusCode();
    }
}

var wall = Stopwatch.StartNew();
for (var round = 0; round < Rounds; round++)
{
    for (var v = 0; v < variants.Length; v++)
    {
        for (var i = 0; i < requests / Rounds; i++)
        {
            using var request = variants[v].Request();
            var start = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            samples[v].Add(Stopwatch.GetTimestamp() - start);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{variants[v].Name}: {(int)response.StatusCode}");
            }
        }
    }
}

// The local check alone, in process (signature, claims): what the local-token variant spends outside HTTP.
var validator = app.App.Services.GetRequiredService<StepUp.AspNetCore.Tokens.ElevationTokenValidator>();
var resource = new StepUpResource("record", "r-1", new Dictionary<string, object?> { ["classification"] = "restricted" });
var check = new LatencySample("local token check, token seen before (in process)", requests);
for (var i = 0; i < warmup + requests; i++)
{
    var start = Stopwatch.GetTimestamp();
    var verdict = await validator.CheckAsync(token, "bench-user", "bench-session", "records.read", resource, CancellationToken.None);
    var elapsed = Stopwatch.GetTimestamp() - start;
    if (!verdict.IsLocallyAcceptable)
    {
        throw new InvalidOperationException("local check: " + verdict.Verdict);
    }

    if (i >= warmup)
    {
        check.Add(elapsed);
    }
}

// First use of a token: signature verification and claims parsing (cached keys, empty token cache).
var jwks = app.App.Services.GetRequiredService<StepUp.AspNetCore.Tokens.JwksCache>();
var stepUpOptions = app.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StepUpOptions>>();
var firstUse = new LatencySample("local token check, first use of a token (ES256 verify)", requests);
for (var i = 0; i < warmup + requests; i++)
{
    var fresh = new StepUp.AspNetCore.Tokens.ElevationTokenValidator(jwks, stepUpOptions, TimeProvider.System);
    var start = Stopwatch.GetTimestamp();
    var verdict = await fresh.CheckAsync(token, "bench-user", "bench-session", "records.read", resource, CancellationToken.None);
    var elapsed = Stopwatch.GetTimestamp() - start;
    if (!verdict.IsLocallyAcceptable)
    {
        throw new InvalidOperationException("local check: " + verdict.Verdict);
    }

    if (i >= warmup)
    {
        firstUse.Add(elapsed);
    }
}

var baseline = samples[0];
Console.WriteLine($"measured in {wall.Elapsed.TotalSeconds:F1} s; load average {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine();
Console.WriteLine("| variant | requests | median | p90 | p99 | mean | added (median) | added (p99) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var sample in samples)
{
    var added = sample == baseline ? "—" : Us(sample.PercentileMicros(50) - baseline.PercentileMicros(50));
    var added99 = sample == baseline ? "—" : Us(sample.PercentileMicros(99) - baseline.PercentileMicros(99));
    Console.WriteLine($"| {sample.Name} | {sample.Count:N0} | {Us(sample.PercentileMicros(50))} | {Us(sample.PercentileMicros(90))} | {Us(sample.PercentileMicros(99))} | {Us(sample.MeanMicros)} | {added} | {added99} |");
}

foreach (var probe in new[] { firstUse, check })
{
    Console.WriteLine($"| {probe.Name} | {probe.Count:N0} | {Us(probe.PercentileMicros(50))} | {Us(probe.PercentileMicros(90))} | {Us(probe.PercentileMicros(99))} | {Us(probe.MeanMicros)} | | |");
}

return 0;

static string Us(double micros) => micros.ToString(Math.Abs(micros) < 10 ? "N1" : "N0", CultureInfo.InvariantCulture) + " µs";

static HttpRequestMessage WithToken(HttpRequestMessage request, string token)
{
    request.Headers.Add(StepUpDefaults.TokenHeaderName, token);
    return request;
}

int Arg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

async Task<string> CreateKeyAsync(string appName, params string[] scopes)
{
    var response = await admin.PostAsJsonAsync("/v1/apikeys", new { name = "bench", app = appName, scopes });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
}

async Task<string[]> EnrolAsync(string subject)
{
    using var user = new HttpClient { BaseAddress = server.BaseAddress };
    user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", userKey);
    var response = await user.PostAsync($"/v1/subjects/{subject}/recovery-codes", null);
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonObject>())!["codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray();
}

async Task<string> VerifyAsync(string id, string code)
{
    using var user = new HttpClient { BaseAddress = server.BaseAddress };
    user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", userKey);
    var response = await user.PostAsJsonAsync($"/v1/challenges/{id}/verify", new { method = "recovery_code", code });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonObject>())!["elevation"]!["token"]!.GetValue<string>();
}

static async Task<(WebApplication App, Uri Address)> StartAppAsyncCore(StepUpServerProcess server, string appKey)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
    builder.Services.AddAuthentication(HeaderAuthHandler.SchemeName).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HeaderAuthHandler>(HeaderAuthHandler.SchemeName, null);
    builder.Services.AddAuthorization();
    builder.Services.AddStepUp(o =>
    {
        o.Authority = server.BaseAddress;
        o.ApiKey = appKey;
        o.App = "bench";
        o.Issuer = server.Issuer;
    });
    var app = builder.Build();
    app.UseAuthentication();
    app.UseAuthorization();
    static string Source(HttpContext http) => http.GetStepUpResult()?.Source.ToString() ?? "";
    app.MapGet("/plain/{id}", (string id, HttpContext http) => Source(http)).RequireAuthorization();
    app.MapGet("/records/{id}", (string id, HttpContext http) => Source(http)).RequireAuthorization()
        .RequireStepUp("records.read", http => new StepUpResource("record", (string?)http.Request.RouteValues["id"],
            http.Request.Query["classification"] is { Count: 1 } c ? new Dictionary<string, object?> { ["classification"] = c[0] } : null));
    await app.StartAsync();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    return (app, new Uri(address));
}

static async Task<BenchApp> StartAppAsync(StepUpServerProcess server, string appKey)
{
    var (app, address) = await StartAppAsyncCore(server, appKey);
    return new BenchApp(app, address);
}

/// <summary>The app under test and its address.</summary>
internal sealed record BenchApp(WebApplication App, Uri Address) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
