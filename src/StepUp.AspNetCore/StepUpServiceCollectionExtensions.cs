using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StepUp.AspNetCore.Decisions;
using StepUp.AspNetCore.Enforcement;
using StepUp.AspNetCore.Hosting;
using StepUp.AspNetCore.Requests;
using StepUp.AspNetCore.Tokens;

namespace StepUp.AspNetCore;

/// <summary>Registers StepUp in an ASP.NET Core app.</summary>
public static class StepUpServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>RequireStepUp</c> and <see cref="RequireStepUpAttribute"/> need. Options are
    /// validated when the app starts.
    /// </summary>
    public static StepUpBuilder AddStepUp(this IServiceCollection services, Action<StepUpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<StepUpOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StepUpOptions>, StepUpOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(StepUpDefaults.HttpClientName, client =>
        {
            // Each call gets its own deadline (StepUpOptions.Timeout); StepUp's answers are small.
            client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
            client.MaxResponseContentBufferSize = 1024 * 1024;
        });
        services.TryAddSingleton<ClientAddressResolver>();
        services.TryAddSingleton<JwksCache>();
        services.TryAddSingleton<ElevationTokenValidator>();
        services.TryAddSingleton<DecisionClient>();
        services.TryAddSingleton<StepUpGate>();
        return new StepUpBuilder(services);
    }
}
