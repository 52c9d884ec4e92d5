using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StepUp.Core.Security;

namespace StepUp.Core.Audit.Checkpoints;

/// <summary>
/// Signs and checks checkpoint JWSs: compact, ES256, protected header
/// <c>{ "alg": "ES256", "kid": …, "typ": "stepup-checkpoint+jws" }</c>, payload the RFC 8785 form of
/// <see cref="AuditCheckpoint"/>.
/// </summary>
public static class CheckpointJws
{
    /// <summary>The <c>typ</c> header of checkpoint JWSs (never accepted as anything else).</summary>
    public const string Type = "stepup-checkpoint+jws";

    /// <summary>Signs <paramref name="checkpoint"/> with the audit key <paramref name="kid"/>.</summary>
    public static string Sign(AuditCheckpoint checkpoint, string kid, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrEmpty(kid);
        var header = new JsonObject { ["alg"] = EcPublicJwk.Algorithm, ["kid"] = kid, ["typ"] = Type };
        return CompactJws.SignEs256(header, checkpoint.ToJwsPayload(), key);
    }

    /// <summary>The <c>kid</c> header of <paramref name="jws"/>, or null when it has none or is malformed.</summary>
    public static string? TryGetKid(string? jws) => CompactJws.TryDecode(jws, out var decoded) ? decoded.HeaderText("kid") : null;

    /// <summary>
    /// Checks <paramref name="jws"/> against <paramref name="keys"/>; when <see cref="CheckpointSignatureStatus.Valid"/>,
    /// <paramref name="checkpoint"/> is what it signs.
    /// </summary>
    public static CheckpointSignatureStatus Verify(string? jws, CheckpointKeyRing keys, out AuditCheckpoint? checkpoint)
    {
        ArgumentNullException.ThrowIfNull(keys);
        checkpoint = null;
        if (!CompactJws.TryDecode(jws, out var decoded) || decoded.HeaderText("typ") != Type ||
            decoded.HeaderText("alg") != EcPublicJwk.Algorithm || decoded.HeaderText("kid") is not { } kid)
        {
            return CheckpointSignatureStatus.Invalid;
        }

        var key = keys.Find(kid);
        if (key is null)
        {
            return CheckpointSignatureStatus.UnknownKey;
        }

        if (!CompactJws.VerifyEs256(decoded, key) || !AuditCheckpoint.TryParseJwsPayload(decoded.Payload, out checkpoint))
        {
            checkpoint = null;
            return CheckpointSignatureStatus.Invalid;
        }

        return CheckpointSignatureStatus.Valid;
    }
}
