using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A small ASP.NET Core app that uses the library, on Kestrel at 127.0.0.1:0, with a header-driven
/// login (<see cref="TestAuthHandler"/>). Endpoints:
/// <list type="bullet">
/// <item><c>GET /records/{id}[?classification=restricted]</c> — <c>records.read</c> (allow, or a 15 min aal2 step-up when restricted)</item>
/// <item><c>POST /transfers</c> — <c>payments.transfer</c>, resource read from the body by an async callback</item>
/// <item><c>GET /bound/{id}[?version=N]</c> — a route group with <c>test.bound</c> (resource-bound, not once)</item>
/// <item><c>GET /short</c> — <c>test.short</c> (max_age 1 s)</item>
/// <item><c>GET /admin/panel</c> — a route group with <c>admin.access</c> (aal3)</item>
/// <item><c>GET /plain</c> — not protected</item>
/// <item><c>/mvc/…</c> — <see cref="PaymentsController"/></item>
/// </list>
/// Protected endpoints answer <c>{ source, decision_id, elevation_id, amount }</c>.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true }) { BaseAddress = address };
    }

    public Uri Address { get; }

    /// <summary>The browser's cookie jar (the device cookie lands here).</summary>
    public CookieContainer Cookies { get; } = new();

    public HttpClient Client { get; }

    public EndpointHits Hits => _app.Services.GetRequiredService<EndpointHits>();

    /// <summary>Starts the app against <paramref name="fixture"/>'s StepUp with its app key, then applies <paramref name="configure"/>.</summary>
    public static Task<TestApp> StartAsync(StepUpServerFixture fixture, Action<StepUpOptions>? configure = null, string? controllersAction = null) =>
        StartAsync(o =>
        {
            o.Authority = fixture.Server.BaseAddress;
            o.ApiKey = fixture.AppKey;
            o.App = StepUpServerFixture.App;
            o.Issuer = fixture.Server.Issuer;
            configure?.Invoke(o);
        }, controllersAction);

    /// <param name="configure">The StepUp options.</param>
    /// <param name="controllersAction">When set, <c>MapControllers().RequireStepUp(controllersAction)</c> as well.</param>
    public static async Task<TestApp> StartAsync(Action<StepUpOptions> configure, string? controllersAction = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton<EndpointHits>();
        builder.Services.AddControllers().AddApplicationPart(typeof(TestApp).Assembly);
        builder.Services.AddStepUp(o =>
        {
            o.SubjectAttributes = http => http.User.HasClaim("frozen", "true") ? new Dictionary<string, object?> { ["frozen"] = true } : null;
            configure(o);
        }).AddResource("transfer", Transfer.ResourceAsync);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/plain", (EndpointHits hits, HttpContext http) => Run(hits, http, null));
        app.MapGet("/records/{id}", (string id, EndpointHits hits, HttpContext http) => Run(hits, http, null))
            .RequireStepUp("records.read", http => new StepUpResource("record", (string?)http.Request.RouteValues["id"],
                http.Request.Query["classification"] is { Count: 1 } c ? new Dictionary<string, object?> { ["classification"] = c[0] } : null));
        app.MapPost("/transfers", (Transfer transfer, EndpointHits hits, HttpContext http) => Run(hits, http, transfer.Amount))
            .RequireStepUp("payments.transfer", resource: Transfer.ResourceAsync);
        var bound = app.MapGroup("/bound").RequireStepUp("test.bound", http => new StepUpResource("doc", (string?)http.Request.RouteValues["id"],
            new Dictionary<string, object?> { ["version"] = int.Parse(http.Request.Query["version"].FirstOrDefault() ?? "1", System.Globalization.CultureInfo.InvariantCulture) }));
        bound.MapGet("/{id}", (string id, EndpointHits hits, HttpContext http) => Run(hits, http, null));
        app.MapGet("/short", (EndpointHits hits, HttpContext http) => Run(hits, http, null)).RequireStepUp("test.short");
        app.MapGroup("/admin").RequireStepUp("admin.access").MapGet("/panel", (EndpointHits hits, HttpContext http) => Run(hits, http, null));
        var controllers = app.MapControllers();
        if (controllersAction is not null)
        {
            controllers.RequireStepUp(controllersAction);
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestApp(app, new Uri(address));
    }

    /// <summary>What a protected endpoint answers: how StepUp let it through.</summary>
    public static Dictionary<string, object?> Describe(HttpContext http, decimal? amount)
    {
        var result = http.GetStepUpResult();
        return new Dictionary<string, object?>
        {
            ["source"] = result?.Source.ToString(),
            ["decision_id"] = result?.DecisionId,
            ["elevation_id"] = result?.ElevationId,
            ["amount"] = amount,
        };
    }

    /// <summary>Sends a request as <paramref name="user"/> (null: signed out), with an optional token and JSON body.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, TestUser? user, string? token = null, object? json = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (user is not null)
        {
            request.Headers.Add("X-Test-User", user.Id);
            request.Headers.Add("X-Test-Session", user.Session);
            request.Headers.Add("X-Test-Amr", user.Amr);
            if (user.Frozen)
            {
                request.Headers.Add("X-Test-Frozen", "true");
            }
        }

        if (token is not null)
        {
            request.Headers.Add(StepUpDefaults.TokenHeaderName, token);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        configure?.Invoke(request);
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, TestUser? user, string? token = null) => SendAsync(HttpMethod.Get, path, user, token);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Run(EndpointHits hits, HttpContext http, decimal? amount)
    {
        hits.Hit();
        return Results.Ok(Describe(http, amount));
    }
}
