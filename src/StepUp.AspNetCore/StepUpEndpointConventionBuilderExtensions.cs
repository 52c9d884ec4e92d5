using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StepUp.AspNetCore.Enforcement;

namespace StepUp.AspNetCore;

/// <summary>
/// <c>RequireStepUp</c> for endpoints and route groups (<c>MapPost(…).RequireStepUp(…)</c>,
/// <c>MapGroup(…).RequireStepUp(…)</c>). The check runs after routing, authentication and
/// authorization and before the endpoint binds its parameters.
/// </summary>
public static class StepUpEndpointConventionBuilderExtensions
{
    /// <summary>Requires StepUp to allow <paramref name="action"/> (e.g. <c>apikeys.create</c>) before the endpoint runs.</summary>
    public static TBuilder RequireStepUp<TBuilder>(this TBuilder builder, string action)
        where TBuilder : IEndpointConventionBuilder =>
        Add(builder, new StepUpRequirement(action, null));

    /// <summary>Requires StepUp to allow <paramref name="action"/> on the resource <paramref name="resource"/> reads from the request.</summary>
    public static TBuilder RequireStepUp<TBuilder>(this TBuilder builder, string action, Func<HttpContext, StepUpResource?> resource)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Add(builder, new StepUpRequirement(action, http => ValueTask.FromResult(resource(http))));
    }

    /// <summary>
    /// Requires StepUp to allow <paramref name="action"/> on the resource <paramref name="resource"/>
    /// reads from the request. The body is buffered before the callback and rewound after it, so the
    /// callback may read it and the endpoint still binds it.
    /// </summary>
    public static TBuilder RequireStepUp<TBuilder>(this TBuilder builder, string action, Func<HttpContext, ValueTask<StepUpResource?>> resource)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Add(builder, new StepUpRequirement(action, resource));
    }

    private static TBuilder Add<TBuilder>(TBuilder builder, StepUpRequirement requirement)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint =>
        {
            // Wrapping the endpoint's delegate (rather than an endpoint filter) makes the check run
            // before parameter binding, and for every kind of endpoint a convention reaches.
            var next = endpoint.RequestDelegate ?? throw new InvalidOperationException(
                $"RequireStepUp(\"{requirement.Action}\") cannot protect endpoint '{endpoint.DisplayName}': it has no request delegate.");
            endpoint.RequestDelegate = async http =>
            {
                var gate = http.RequestServices.GetService<StepUpGate>() ?? throw new InvalidOperationException(
                    "RequireStepUp needs builder.Services.AddStepUp(…).");
                var refusal = await gate.CheckAsync(http, requirement);
                if (refusal is not null)
                {
                    await refusal.ExecuteAsync(http);
                    return;
                }

                await next(http);
            };
        });
        return builder;
    }
}
