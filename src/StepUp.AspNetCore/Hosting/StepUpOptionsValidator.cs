using Microsoft.Extensions.Options;
using StepUp.AspNetCore.Requests;

namespace StepUp.AspNetCore.Hosting;

/// <summary>Checks <see cref="StepUpOptions"/> at start and names every problem, never echoing the API key.</summary>
internal sealed class StepUpOptionsValidator : IValidateOptions<StepUpOptions>
{
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, StepUpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Authority is null)
        {
            errors.Add("StepUp: Authority is required (the StepUp server's base URL, e.g. http://localhost:8080)");
        }
        else if (!options.Authority.IsAbsoluteUri || options.Authority.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(options.Authority.Query) || !string.IsNullOrEmpty(options.Authority.Fragment))
        {
            errors.Add("StepUp: Authority must be an absolute http or https URL without query or fragment");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            errors.Add("StepUp: ApiKey is required (a key of this app with the 'decisions' scope)");
        }

        Require(errors, options.App, nameof(options.App));
        Require(errors, options.Issuer, nameof(options.Issuer));
        Require(errors, options.SubjectClaim, nameof(options.SubjectClaim));
        Require(errors, options.SessionClaim, nameof(options.SessionClaim));
        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add("StepUp: Timeout must be positive");
        }

        if (options.JwksCacheDuration <= TimeSpan.Zero)
        {
            errors.Add("StepUp: JwksCacheDuration must be positive");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > MaxClockSkew)
        {
            errors.Add("StepUp: ClockSkew must be between 0 and 5 minutes");
        }

        if (!string.IsNullOrEmpty(options.DeviceCookieName) && !DeviceCookie.IsValidName(options.DeviceCookieName))
        {
            errors.Add("StepUp: DeviceCookieName may only hold letters, digits, '_', '-' and '.'");
        }

        ProxyNetworks.Parse(options.TrustedProxies, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Require(List<string> errors, string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"StepUp: {name} must not be empty");
        }
    }
}
