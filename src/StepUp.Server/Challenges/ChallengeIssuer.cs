using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using StepUp.Core.Audit;
using StepUp.Core.Challenges;
using StepUp.Core.Decisions;
using StepUp.Core.Elevations;
using StepUp.Core.Factors;
using StepUp.Core.Policy;
using StepUp.Core.Security;
using StepUp.Server.Hosting;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Challenges;

/// <summary>A challenge as the decision response shows it; <see cref="PageSecret"/> is only in the URL.</summary>
internal sealed record IssuedChallenge(Challenge Challenge, string PageSecret, string Url);

/// <summary>
/// Creates the challenge of a <c>step_up</c> decision: unguessable id and page secret, bound to app,
/// subject, session, action and resource, with the methods the rule allows that the subject has.
/// </summary>
internal sealed class ChallengeIssuer(IChallengeStore challenges, IFactorStore factors, IOptions<StepUpServerOptions> options, TimeProvider time)
{
    public const string IdPrefix = "ch_";

    public async Task<IssuedChallenge> IssueAsync(string app, string decisionId, DecisionInput input, PolicyEvaluation evaluation, string requestBaseUrl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var available = await AvailableMethodsAsync(app, input.Subject.Id, cancellationToken) & evaluation.Methods;
        var secret = RandomTokens.UrlSafe(32);
        var challenge = new Challenge
        {
            Id = IdPrefix + RandomTokens.UrlSafe(18),
            App = app,
            SubjectId = input.Subject.Id,
            SessionId = input.Subject.SessionId ?? string.Empty,
            Action = input.Action,
            Resource = ResourceBinding.From(input.Resource),
            ResourceSummary = Summarize(input.Resource),
            Level = evaluation.Level,
            Methods = evaluation.Methods,
            AvailableMethods = available,
            MaxAge = evaluation.MaxAge,
            BindResource = evaluation.BindResource,
            Once = evaluation.Once,
            Status = ChallengeStatus.Pending,
            MaxAttempts = evaluation.Policy.Defaults.MaxAttempts,
            PageSecretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret)),
            DecisionId = decisionId,
            AppAmr = input.Context.Auth?.Amr ?? [],
            ContextIp = input.Context.Ip,
            ContextCountry = GeoText(input, "country"),
            ContextCity = GeoText(input, "city"),
            ContextDeviceId = input.Context.DeviceId,
            ContextUserAgent = input.Context.UserAgent is { Length: > 512 } ua ? ua[..512] : input.Context.UserAgent,
            CreatedAt = now,
            ExpiresAt = now + evaluation.Policy.Defaults.ChallengeTtl,
        };
        await challenges.AddAsync(challenge, cancellationToken);
        var baseUrl = (options.Value.PublicUrl ?? requestBaseUrl).TrimEnd('/');
        return new IssuedChallenge(challenge, secret, $"{baseUrl}/challenge/{challenge.Id}#{secret}");
    }

    /// <summary>The methods a subject can answer with: active TOTP and WebAuthn factors, unused recovery codes.</summary>
    public async Task<StepUpMethods> AvailableMethodsAsync(string app, string subjectId, CancellationToken cancellationToken)
    {
        subjectId = Factors.SubjectKey.For(app, subjectId);
        var methods = StepUpMethods.None;
        foreach (var factor in await factors.ListAsync(subjectId, cancellationToken))
        {
            if (factor.Status == FactorStatus.Active)
            {
                methods |= factor.Type == FactorType.Totp ? StepUpMethods.Totp : StepUpMethods.WebAuthn;
            }
        }

        if ((await factors.RecoveryCodeHashesAsync(subjectId, cancellationToken)).Any(h => h is not null))
        {
            methods |= StepUpMethods.RecoveryCode;
        }

        return methods;
    }

    /// <summary>The <c>stepup.challenge.created</c> event.</summary>
    public static AuditEventDraft CreatedEvent(IssuedChallenge issued)
    {
        var c = issued.Challenge;
        var payload = ChallengeEvents.Base(c, "success", "info");
        payload["challenge"] = new JsonObject
        {
            ["id"] = c.Id,
            ["level"] = c.Level.ToName(),
            ["methods"] = Names(c.Methods),
            ["available_methods"] = Names(c.AvailableMethods),
            ["expires_at"] = AuditTime.ToText(c.ExpiresAt),
            ["decision_id"] = c.DecisionId,
        };
        return new AuditEventDraft { Type = AuditEventTypes.ChallengeCreated, Payload = payload };
    }

    private static JsonArray Names(StepUpMethods methods) => new(methods.ToNames().Select(n => (JsonNode?)n).ToArray());

    private static string? GeoText(DecisionInput input, string key) =>
        input.Context.Geo.TryGetValue(key, out var value) && value.Kind == Core.Policy.Conditions.CelKind.String ? value.AsString : null;

    /// <summary>"transfer t-9: amount=12000, currency=EUR", bounded, for the hosted page.</summary>
    private static string? Summarize(ResourceInput? resource)
    {
        if (resource is null)
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append(resource.Type ?? "resource");
        if (resource.Id is not null)
        {
            text.Append(' ').Append(resource.Id);
        }

        if (resource.Attributes.Count > 0)
        {
            text.Append(": ");
            text.AppendJoin(", ", resource.Attributes.Take(8).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Key}={a.Value}")));
        }

        return text.Length > 300 ? text.ToString(0, 300) + "…" : text.ToString();
    }
}
