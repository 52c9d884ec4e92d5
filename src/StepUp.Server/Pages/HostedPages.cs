using Microsoft.Extensions.Options;
using StepUp.Core.GeoIp;
using StepUp.Server.Hosting;
using StepUp.Storage;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Pages;

/// <summary>
/// Maps the hosted pages (SPEC §3): <c>/challenge/{id}</c>, <c>/enroll/{token}</c> and their
/// assets under <c>/pages/assets/</c>. They need no API key; every response carries
/// <see cref="PageHeaders"/>. They are not part of the OpenAPI description (only the pages' own
/// scripts call their JSON endpoints). The relay check locates browsers with the GeoIP City
/// database unless another <see cref="IBrowserLocator"/> is registered.
/// </summary>
internal static class HostedPages
{
    public static void MapHostedPages(this WebApplication app)
    {
        var options = app.Configuration.GetSection(HostedPageOptions.Section).Get<HostedPageOptions>() ?? new HostedPageOptions();
        var services = app.Services;
        var serverOptions = services.GetRequiredService<IOptions<StepUpServerOptions>>().Value;
        // StepUp's own origin (StepUp:PublicUrl) is allowed too: the admin dashboard's step-up returns there.
        var returnTo = new ReturnToPolicy(serverOptions.PublicUrl is { } own && Uri.TryCreate(own, UriKind.Absolute, out var ownUri)
            ? [.. serverOptions.AllowedReturnOrigins, ownUri.GetLeftPart(UriPartial.Authority)]
            : serverOptions.AllowedReturnOrigins);
        var access = new PageChallenges(
            services.GetRequiredService<IChallengeStore>(),
            services.GetRequiredService<IAuditAppender>(),
            services.GetService<IBrowserLocator>() ?? new GeoIpBrowserLocator(services.GetService<GeoIpLookup>() ?? GeoIpLookup.Empty),
            options,
            services.GetRequiredService<TrustedProxySet>());

        var pages = app.MapGroup(string.Empty).AddEndpointFilter(PageHeaders.Filter).ExcludeFromDescription();
        pages.MapGet("/pages/assets/{name}", PageAssets.Load().Get);
        new ChallengePageEndpoints(access, returnTo).Map(pages);
        pages.MapEnrollPage();
    }
}
