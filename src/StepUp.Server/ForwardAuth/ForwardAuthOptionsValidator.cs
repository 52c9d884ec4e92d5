using Microsoft.Extensions.Options;
using StepUp.Server.Hosting;

namespace StepUp.Server.ForwardAuth;

/// <summary>Checks <c>StepUp:ForwardAuth</c> and <c>StepUp:TrustedProxies</c> at start and reports every problem at once.</summary>
internal sealed class ForwardAuthOptionsValidator : IValidateOptions<StepUpServerOptions>
{
    /// <summary>Shortest accepted forward-auth secret.</summary>
    public const int MinSecretLength = 16;

    public ValidateOptionsResult Validate(string? name, StepUpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var proxies = TrustedProxySet.Parse(options.TrustedProxies, errors);
        var o = options.ForwardAuth;
        if (!string.IsNullOrEmpty(o.Secret))
        {
            if (o.Secret.Length < MinSecretLength)
            {
                errors.Add($"StepUp:ForwardAuth:Secret must be at least {MinSecretLength} characters (use a long random value)");
            }

            if (proxies.IsEmpty && options.TrustedProxies.Count == 0)
            {
                errors.Add("StepUp:ForwardAuth:Secret is set but StepUp:TrustedProxies is empty: no proxy could call forward auth");
            }
        }

        CheckToken(errors, "SubjectHeader", o.SubjectHeader, required: true);
        CheckToken(errors, "SessionHeader", o.SessionHeader, required: true);
        CheckToken(errors, "SessionCookie", o.SessionCookie, required: false);
        CheckToken(errors, "DeviceCookie", o.DeviceCookie, required: false);
        if (string.Equals(o.SubjectHeader, o.SessionHeader, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("StepUp:ForwardAuth:SubjectHeader and SessionHeader must differ");
        }

        if (string.IsNullOrEmpty(o.App) || o.App.Length > 64 || !o.App.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add("StepUp:ForwardAuth:App: letters, digits, '-', '_' and '.', at most 64");
        }

        if (!Enum.IsDefined(o.BrowserMode))
        {
            errors.Add("StepUp:ForwardAuth:BrowserMode must be 'unauthorized' or 'redirect'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckToken(List<string> errors, string key, string? value, bool required)
    {
        if (string.IsNullOrEmpty(value) ? required : !value.All(ForwardedRequest.IsTokenChar))
        {
            errors.Add($"StepUp:ForwardAuth:{key} must be a header or cookie name (letters, digits, '-', '_')");
        }
    }
}
