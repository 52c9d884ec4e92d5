using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StepUp.Core.Security;

namespace StepUp.AspNetCore.Tokens;

/// <summary>
/// Checks an elevation token locally, as a resource server may (RFC 9470, SPEC §2): ES256 signature
/// with a StepUp token key, <c>typ: stepup+jwt</c>, <c>iss</c>, <c>aud</c>, <c>exp</c> (with clock
/// skew), and that <c>sub</c>, <c>sid</c>, <c>stepup_action</c> and <c>stepup_resource</c> are those of
/// this request. A local check cannot see revocation or <c>once</c> consumption; callers go online
/// for <c>once</c> grants.
/// </summary>
/// <remarks>
/// A token is reused for every request of its elevation, so the claims of tokens whose signature
/// verified are kept (keyed by the exact token text, at most <see cref="MaxVerified"/>); the
/// request-dependent checks, expiry included, still run every time. Only StepUp can mint an entry.
/// </remarks>
internal sealed class ElevationTokenValidator(JwksCache keys, IOptions<StepUpOptions> options, TimeProvider time)
{
    public const string TokenType = "stepup+jwt";
    public const int MaxVerified = 4096;

    private readonly ConcurrentDictionary<string, TokenClaims> _verified = new(StringComparer.Ordinal);

    public async ValueTask<TokenCheck> CheckAsync(string token, string subject, string session, string action, StepUpResource? resource, CancellationToken cancellationToken)
    {
        if (!_verified.TryGetValue(token, out var claims))
        {
            var (verdict, verified) = await VerifyAsync(token, cancellationToken);
            if (verified is null)
            {
                return new(verdict);
            }

            if (_verified.Count >= MaxVerified)
            {
                // Crude but bounded; entries are cheap to rebuild.
                _verified.Clear();
            }

            claims = _verified.GetOrAdd(token, verified);
        }

        return Check(claims, subject, session, action, resource);
    }

    private async ValueTask<(TokenVerdict, TokenClaims?)> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        if (!CompactJws.TryDecode(token, out var jws))
        {
            return (TokenVerdict.Malformed, null);
        }

        if (jws.HeaderText("typ") != TokenType || jws.HeaderText("alg") != EcPublicJwk.Algorithm)
        {
            return (TokenVerdict.WrongType, null);
        }

        var verifier = jws.HeaderText("kid") is { } kid ? await keys.GetAsync(kid, cancellationToken) : null;
        if (verifier is null)
        {
            return (TokenVerdict.UnknownKey, null);
        }

        if (!CompactJws.VerifyEs256(jws, verifier))
        {
            return (TokenVerdict.BadSignature, null);
        }

        var claims = TokenClaims.Parse(jws.Payload);
        return claims is null ? (TokenVerdict.Malformed, null) : (TokenVerdict.Valid, claims);
    }

    private TokenCheck Check(TokenClaims claims, string subject, string session, string action, StepUpResource? resource)
    {
        var settings = options.Value;
        if (claims.Issuer != settings.Issuer)
        {
            return new(TokenVerdict.WrongIssuer);
        }

        if (!claims.Audiences.Contains(settings.App, StringComparer.Ordinal))
        {
            return new(TokenVerdict.WrongAudience);
        }

        var jti = claims.ElevationId;
        if (claims.Expires is not { } expires || time.GetUtcNow().ToUnixTimeSeconds() >= expires + (long)settings.ClockSkew.TotalSeconds)
        {
            return new(TokenVerdict.Expired, jti);
        }

        if (claims.Subject != subject)
        {
            return new(TokenVerdict.OtherSubject, jti);
        }

        if (claims.Session != session)
        {
            return new(TokenVerdict.OtherSession, jti);
        }

        if (claims.Action != action)
        {
            return new(TokenVerdict.OtherAction, jti);
        }

        if (claims.Bound && !SameResource(claims, resource))
        {
            return new(TokenVerdict.OtherResource, jti);
        }

        return new(TokenVerdict.Valid, jti, claims.Once);
    }

    private static bool SameResource(TokenClaims claims, StepUpResource? resource) =>
        resource is not null && claims.ResourceDigest is { } digest &&
        claims.ResourceType == resource.Type && claims.ResourceId == resource.Id &&
        ResourceDigest.Of(resource) is { } actual && string.Equals(actual.Digest, digest, StringComparison.Ordinal);
}
