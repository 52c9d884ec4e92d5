using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StepUp.AspNetCore.Enforcement;
using StepUp.AspNetCore.Hosting;

namespace StepUp.AspNetCore;

/// <summary>
/// Requires StepUp to allow <see cref="Action"/> before an MVC action or Razor Page handler runs
/// (a resource filter: after authorization, before model binding). The resource comes from the
/// resolver named by <see cref="Resource"/> (<see cref="StepUpBuilder.AddResource(string, Func{Microsoft.AspNetCore.Http.HttpContext, ValueTask{StepUpResource?}})"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequireStepUpAttribute : Attribute, IAsyncResourceFilter
{
    /// <summary>Protects the action or page with <paramref name="action"/>, e.g. <c>apikeys.create</c>.</summary>
    public RequireStepUpAttribute(string action) => Action = action;

    /// <summary>The StepUp action.</summary>
    public string Action { get; }

    /// <summary>Name of a resource resolver registered with <c>AddStepUp(…).AddResource(name, …)</c>; none by default.</summary>
    public string? Resource { get; set; }

    /// <inheritdoc />
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var services = context.HttpContext.RequestServices;
        var gate = services.GetService<StepUpGate>() ?? throw new InvalidOperationException("[RequireStepUp] needs builder.Services.AddStepUp(…).");
        var refusal = await gate.CheckAsync(context.HttpContext, new StepUpRequirement(Action, ResolverFor(services)));
        if (refusal is not null)
        {
            context.Result = new ResultAdapter(refusal);
            return;
        }

        await next();
    }

    private Func<Microsoft.AspNetCore.Http.HttpContext, ValueTask<StepUpResource?>>? ResolverFor(IServiceProvider services)
    {
        if (Resource is null)
        {
            return null;
        }

        var resolvers = services.GetRequiredService<IOptions<ResourceResolverOptions>>().Value.Resolvers;
        return resolvers.TryGetValue(Resource, out var resolver)
            ? resolver
            : throw new InvalidOperationException($"[RequireStepUp(\"{Action}\", Resource = \"{Resource}\")]: no resolver named '{Resource}'; register it with AddStepUp(…).AddResource(\"{Resource}\", …).");
    }

    /// <summary>Runs a minimal-API result as an MVC result.</summary>
    private sealed class ResultAdapter(Microsoft.AspNetCore.Http.IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
    }
}
