using Microsoft.AspNetCore.Http;

namespace StepUp.AspNetCore.Hosting;

/// <summary>Named resource resolvers registered with <see cref="StepUpBuilder.AddResource(string, Func{HttpContext, ValueTask{StepUpResource?}})"/>.</summary>
internal sealed class ResourceResolverOptions
{
    public Dictionary<string, Func<HttpContext, ValueTask<StepUpResource?>>> Resolvers { get; } = new(StringComparer.Ordinal);
}
