using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Challenges;
using StepUp.Server.Challenges;
using StepUp.Server.Errors;
using StepUp.Storage;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Pages;

/// <summary>
/// Opens a challenge for its hosted page: the page proves it holds the URL's secret (header
/// <see cref="SecretHeader"/>; SHA-256 compared in constant time with the stored hash), and the
/// browser must not be in another country than the request that caused the step-up (relay check).
/// A wrong or missing secret looks exactly like an unknown challenge.
/// </summary>
internal sealed class PageChallenges(IChallengeStore challenges, IAuditAppender audit, IBrowserLocator locator, HostedPageOptions options, Hosting.TrustedProxySet proxies)
{
    public const string SecretHeader = "X-StepUp-Page-Secret";
    private const int MaxSecretLength = 128;

    public async Task<(Challenge? Challenge, IResult? Refusal)> OpenAsync(HttpContext http, string id)
    {
        var secret = http.Request.Headers[SecretHeader].ToString();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret.Length <= MaxSecretLength ? secret : string.Empty));
        var challenge = secret.Length is > 0 and <= MaxSecretLength && id.Length <= 128
            ? await challenges.GetAsync(id, http.RequestAborted)
            : null;
        if (challenge is null || !CryptographicOperations.FixedTimeEquals(hash, challenge.PageSecretHash))
        {
            return (null, Problems.Result(ProblemCode.NotFound));
        }

        return await RelayCheckAsync(http, challenge) ? (challenge, null) : (null, Problems.Result(ProblemCode.RelaySuspected));
    }

    /// <summary>False when the page must refuse: the browser's country is known and differs from the request's.</summary>
    private async Task<bool> RelayCheckAsync(HttpContext http, Challenge challenge)
    {
        if (options.RelayCheck == RelayCheckMode.Off || challenge.ContextCountry is not { } expected)
        {
            return true;
        }

        var address = ForwardAuth.ForwardedFor.RequestClient(http, proxies);

        if (locator.CountryOf(address) is not { } actual || string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var refuse = options.RelayCheck == RelayCheckMode.Refuse;
        var payload = ChallengeEvents.Base(challenge, refuse ? "failure" : "success", "high");
        payload["challenge"] = new JsonObject { ["id"] = challenge.Id };
        payload["reason"] = "country_mismatch";
        payload["browser"] = new JsonObject
        {
            ["ip"] = address?.IsIPv4MappedToIPv6 == true ? address.MapToIPv4().ToString() : address?.ToString(),
            ["country"] = actual,
        };
        payload["expected_country"] = expected;
        payload["refused"] = refuse;
        await audit.AppendAsync(new AuditEventDraft { Type = AuditEventTypes.ChallengeRelaySuspected, Payload = payload }, http.RequestAborted);
        return !refuse;
    }
}
