using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using StepUp.Core.Audit;
using StepUp.Core.Elevations;
using StepUp.Core.Policy;
using StepUp.Core.Security;
using StepUp.Server.Hosting;
using StepUp.Server.Keys;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Elevations;

/// <summary>
/// Elevation tokens (SPEC §2): compact JWS, header <c>typ: stepup+jwt</c>, ES256 with a token key
/// (distinct from audit keys), claims <c>iss, aud (the app), sub, sid, acr, amr, auth_time, iat,
/// exp, jti, stepup_action, stepup_resource, stepup_once</c>. Reading a token checks signature,
/// type, issuer, audience and expiry, then returns the server-side elevation it names (so
/// <c>once</c> and revocation hold).
/// </summary>
internal sealed class ElevationTokens(SigningKeyService keys, IElevationStore elevations, IOptions<StepUpServerOptions> options, TimeProvider time) : IDisposable
{
    public const string Type = "stepup+jwt";

    private readonly ConcurrentDictionary<string, ECDsa> _verifiers = new(StringComparer.Ordinal);

    /// <summary>The <c>iss</c> of every token: the public URL, or <c>stepup</c> when none is configured.</summary>
    public string Issuer { get; } = options.Value.PublicUrl?.TrimEnd('/') ?? "stepup";

    public async Task<string> IssueAsync(Elevation elevation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(elevation);
        var key = await keys.GetActiveAsync(SigningKeyPurposes.Token, cancellationToken);
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = elevation.App,
            ["sub"] = elevation.SubjectId,
            ["sid"] = elevation.SessionId,
            ["acr"] = elevation.Level.ToAcr(),
            ["amr"] = new JsonArray(elevation.Amr.Select(a => (JsonNode?)a).ToArray()),
            ["auth_time"] = elevation.AuthTime.ToUnixTimeSeconds(),
            ["iat"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["exp"] = elevation.ExpiresAt.ToUnixTimeSeconds(),
            ["jti"] = elevation.Id,
            ["stepup_action"] = elevation.Action,
            ["stepup_once"] = elevation.Once,
        };
        if (elevation.Resource is { } resource)
        {
            var res = new JsonObject { ["digest"] = resource.Digest };
            if (resource.Type is not null) res["type"] = resource.Type;
            if (resource.Id is not null) res["id"] = resource.Id;
            claims["stepup_resource"] = res;
        }

        var payload = Jcs.Canonicalize(claims);
        return key.Sign(payload, static (ecdsa, kid, body) =>
            CompactJws.SignEs256(new JsonObject { ["typ"] = Type, ["kid"] = kid }, body, ecdsa));
    }

    /// <summary>The elevation a valid token of <paramref name="app"/> names; null for any invalid token.</summary>
    public async Task<Elevation?> ReadAsync(string token, string app, CancellationToken cancellationToken)
    {
        var claims = await VerifyAsync(token, cancellationToken);
        if (claims is null ||
            claims["aud"]?.GetValueKind() != JsonValueKind.String || claims["aud"]!.GetValue<string>() != app ||
            claims["jti"]?.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }

        var elevation = await elevations.GetAsync(claims["jti"]!.GetValue<string>(), cancellationToken);
        return elevation is not null && elevation.App == app ? elevation : null;
    }

    /// <summary>The claims of a token whose signature, type, issuer and expiry check out; null otherwise.</summary>
    public async Task<JsonObject?> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        if (!CompactJws.TryDecode(token, out var jws) || jws.HeaderText("typ") != Type || jws.HeaderText("alg") != EcPublicJwk.Algorithm ||
            jws.HeaderText("kid") is not { } kid || !SigningKeyPurposes.IsKidOf(kid, SigningKeyPurposes.Token))
        {
            return null;
        }

        var verifier = await VerifierAsync(kid, cancellationToken);
        if (verifier is null || !CompactJws.VerifyEs256(jws, verifier))
        {
            return null;
        }

        JsonObject? claims;
        try
        {
            claims = JsonNode.Parse(jws.Payload) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (claims is null || claims["iss"]?.GetValueKind() != JsonValueKind.String || claims["iss"]!.GetValue<string>() != Issuer ||
            claims["exp"]?.GetValueKind() != JsonValueKind.Number || claims["exp"]!.GetValue<long>() <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }

        return claims;
    }

    public void Dispose()
    {
        foreach (var verifier in _verifiers.Values)
        {
            verifier.Dispose();
        }
    }

    private async Task<ECDsa?> VerifierAsync(string kid, CancellationToken cancellationToken)
    {
        if (_verifiers.TryGetValue(kid, out var cached))
        {
            return cached;
        }

        var record = (await keys.ListAsync(cancellationToken)).FirstOrDefault(k => k.Kid == kid && k.Purpose == SigningKeyPurposes.Token);
        return record is null ? null : _verifiers.GetOrAdd(kid, _ => record.PublicKey.CreateVerifier());
    }
}
