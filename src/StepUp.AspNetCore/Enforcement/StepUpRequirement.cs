using Microsoft.AspNetCore.Http;
using StepUp.Core.Policy;

namespace StepUp.AspNetCore.Enforcement;

/// <summary>What one protected endpoint asks for: an action and, optionally, how to read its resource.</summary>
internal sealed class StepUpRequirement
{
    public StepUpRequirement(string action, Func<HttpContext, ValueTask<StepUpResource?>>? resource)
    {
        if (string.IsNullOrEmpty(action) || !PolicyLoader.IsActionName(action))
        {
            throw new ArgumentException($"'{action}' is not a StepUp action: use a dotted name such as payments.transfer.", nameof(action));
        }

        Action = action;
        Resource = resource;
    }

    public string Action { get; }

    public Func<HttpContext, ValueTask<StepUpResource?>>? Resource { get; }

    /// <summary>
    /// Runs the resource callback with the request body buffered, then rewinds the body so the
    /// endpoint's own binding reads it again from the start.
    /// </summary>
    public async ValueTask<StepUpResource?> ResolveResourceAsync(HttpContext http)
    {
        if (Resource is null)
        {
            return null;
        }

        http.Request.EnableBuffering();
        try
        {
            return await Resource(http);
        }
        finally
        {
            if (http.Request.Body.CanSeek)
            {
                http.Request.Body.Position = 0;
            }
        }
    }
}
