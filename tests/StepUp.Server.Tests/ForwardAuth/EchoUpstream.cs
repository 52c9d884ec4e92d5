using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>The protected application behind nginx: real Kestrel on loopback, answers <c>echo METHOD RAW-TARGET</c> and records every request.</summary>
public sealed class EchoUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoUpstream(WebApplication app) => _app = app;

    /// <summary>One request the app received, with the identity headers nginx passed on.</summary>
    public sealed record Hit(string Method, string RawTarget, string? User, string? Session, bool SawForwardSecret);

    public ConcurrentQueue<Hit> Hits { get; } = new();

    public int Port { get; private set; }

    public static async Task<EchoUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new EchoUpstream(app);
        app.Run(async context =>
        {
            var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            var headers = context.Request.Headers;
            upstream.Hits.Enqueue(new Hit(
                context.Request.Method,
                raw,
                headers["X-Forwarded-User"].FirstOrDefault(),
                headers["X-Forwarded-Session"].FirstOrDefault(),
                headers.ContainsKey("X-StepUp-Forward-Secret")));
            await context.Response.WriteAsync($"echo {context.Request.Method} {raw}");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.Port = new Uri(address).Port;
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
