using Microsoft.Extensions.Options;
using StepUp.Core.Security;
using StepUp.Server.Hosting;

namespace StepUp.Server.ForwardAuth;

/// <summary>Registers and maps forward auth (<c>GET /v1/forward-auth</c>, SPEC §6).</summary>
internal static class ForwardAuthSetup
{
    public static IServiceCollection AddStepUpForwardAuth(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<StepUpServerOptions>, ForwardAuthOptionsValidator>();
        services.AddSingleton(sp => TrustedProxySet.Parse(sp.GetRequiredService<IOptions<StepUpServerOptions>>().Value.TrustedProxies, []));
        services.AddSingleton(sp => new ForwardSecret(sp.GetRequiredService<IOptions<StepUpServerOptions>>().Value.ForwardAuth.Secret));
        services.AddSingleton(sp => new SessionDigest(sp.GetRequiredService<SecretBox>().DeriveKey(SessionDigest.KeyPurpose)));
        services.AddSingleton<ActiveRoutes>();
        services.AddSingleton<ForwardAuthHandler>();
        return services;
    }

    public static void MapForwardAuthEndpoint(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<StepUpServerOptions>>().Value;
        if (!string.IsNullOrEmpty(options.ForwardAuth.Secret) && string.IsNullOrEmpty(options.PublicUrl))
        {
            ForwardAuthLog.NoPublicUrl(app.Logger);
        }

        app.MapGet("/v1/forward-auth", (HttpContext http, ForwardAuthHandler handler) => handler.HandleAsync(http))
            .WithTags("Forward auth")
            .WithName("ForwardAuth")
            .WithSummary("Decide a request proxied by nginx auth_request or Traefik ForwardAuth (shared secret, trusted proxies only)")
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status401Unauthorized, contentType: "application/json")
            .Produces(StatusCodes.Status302Found)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
