using Microsoft.AspNetCore.Http;

namespace StepUp.AspNetCore;

/// <summary>Reads what StepUp decided for the current request.</summary>
public static class StepUpHttpContextExtensions
{
    /// <summary>The outcome of the step-up check that let this request through; null when none ran.</summary>
    public static StepUpResult? GetStepUpResult(this HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return httpContext.Features.Get<StepUpResult>();
    }
}
