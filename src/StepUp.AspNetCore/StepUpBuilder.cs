using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StepUp.AspNetCore.Hosting;

namespace StepUp.AspNetCore;

/// <summary>Returned by <see cref="StepUpServiceCollectionExtensions.AddStepUp"/> for further set-up.</summary>
public sealed class StepUpBuilder
{
    internal StepUpBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection StepUp was added to.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Names a resource resolver for <c>[RequireStepUp(…, Resource = "name")]</c>. The request body
    /// is buffered before the resolver runs and rewound after, so it may read it.
    /// </summary>
    public StepUpBuilder AddResource(string name, Func<HttpContext, ValueTask<StepUpResource?>> resolver)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(resolver);
        Services.Configure<ResourceResolverOptions>(o => o.Resolvers[name] = resolver);
        return this;
    }

    /// <summary>Names a synchronous resource resolver, e.g. one that reads route values.</summary>
    public StepUpBuilder AddResource(string name, Func<HttpContext, StepUpResource?> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return AddResource(name, http => ValueTask.FromResult(resolver(http)));
    }
}
