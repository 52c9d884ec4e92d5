using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Factors;
using StepUp.Core.Factors.RecoveryCodes;
using StepUp.Core.Factors.Totp;
using StepUp.Core.Factors.WebAuthn;
using StepUp.Core.Security;
using StepUp.Server.Challenges;
using StepUp.Storage;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Factors;

/// <summary>A TOTP enrolment as shown once to the user.</summary>
internal sealed record TotpEnrollment(string FactorId, string Secret, string OtpAuthUri, string QrSvg);

/// <summary>
/// Enrols and removes factors (the API and the hosted enrolment page share this): TOTP seeds are
/// sealed at rest and activated by a first code, WebAuthn registrations are verified against a
/// single-use challenge, recovery codes are stored as keyed hashes. Every change is audited.
/// </summary>
internal sealed class FactorEnrollment(
    IFactorStore factors,
    SecretBox secrets,
    RecoveryCodeKey recoveryKey,
    RelyingParty rp,
    IAuditAppender audit,
    TimeProvider time)
{
    public const string TotpIssuer = "StepUp";

    public async Task<TotpEnrollment> StartTotpAsync(string app, string subjectId, string? name, CancellationToken cancellationToken)
    {
        var id = "fct_" + RandomTokens.UrlSafe(12);
        var seed = TotpSecret.Generate();
        try
        {
            await factors.AddAsync(new Factor
            {
                Id = id,
                SubjectId = SubjectKey.For(app, subjectId),
                Type = FactorType.Totp,
                Name = string.IsNullOrWhiteSpace(name) ? "Authenticator app" : name,
                Status = FactorStatus.Pending,
                CreatedAt = time.GetUtcNow(),
                EncryptedSecret = secrets.Seal(seed, TotpCheck.SeedAssociatedData + id),
            }, cancellationToken);
            var uri = OtpAuthUri.Create(TotpIssuer, subjectId, seed);
            return new TotpEnrollment(id, Base32.Encode(seed), uri, TotpQr.Svg(uri));
        }
        finally
        {
            Array.Clear(seed);
        }
    }

    /// <summary>Confirms a pending TOTP factor with a first code; false when the code or factor is wrong.</summary>
    public async Task<bool> ActivateTotpAsync(string app, string subjectId, string factorId, string? code, CancellationToken cancellationToken)
    {
        var factor = await factors.GetAsync(SubjectKey.For(app, subjectId), factorId, cancellationToken);
        if (factor is not { Type: FactorType.Totp, Status: FactorStatus.Pending, EncryptedSecret: { } sealedSeed } ||
            !secrets.TryOpen(sealedSeed, TotpCheck.SeedAssociatedData + factorId, out var seed))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var result = TotpVerifier.Verify(seed, code, now, null);
        Array.Clear(seed);
        if (!result.Accepted || !await factors.ActivateAsync(factorId, result.Step, now, cancellationToken))
        {
            return false;
        }

        await audit.AppendAsync(FactorEvent(AuditEventTypes.FactorEnrolled, app, subjectId, factorId, "totp", factor.Name), cancellationToken);
        return true;
    }

    public async Task<JsonObject> WebAuthnOptionsAsync(string app, string subjectId, CancellationToken cancellationToken)
    {
        var key = SubjectKey.For(app, subjectId);
        var challenge = RandomNumberGenerator.GetBytes(WebAuthnCheck.ChallengeBytes);
        await factors.AddRegistrationChallengeAsync(key, challenge, time.GetUtcNow().AddMinutes(5), cancellationToken);
        var existing = (await factors.ListAsync(key, cancellationToken)).Where(f => f.CredentialId is not null);
        return new WebAuthnCreationOptions
        {
            RpId = rp.RpId,
            RpName = rp.RpName,
            UserId = RelyingParty.UserHandle(key),
            UserName = subjectId,
            UserDisplayName = subjectId,
            Challenge = challenge,
            ExcludeCredentials = existing.Select(f => new WebAuthnCredentialDescriptor(f.CredentialId!, f.Transports)).ToList(),
            ResidentKey = WebAuthnResidentKey.Preferred,
            UserVerification = WebAuthnUserVerification.Preferred,
        }.ToJson();
    }

    /// <summary>Registers a passkey; returns the factor id, or the reason it was refused.</summary>
    public async Task<(string? FactorId, string? Error)> RegisterWebAuthnAsync(string app, string subjectId, JsonElement credential, string? name, CancellationToken cancellationToken)
    {
        var key = SubjectKey.For(app, subjectId);
        if (ChallengeOf(credential) is not { } challenge || !await factors.TakeRegistrationChallengeAsync(key, challenge, time.GetUtcNow(), cancellationToken))
        {
            return (null, "webauthn_unknown_challenge");
        }

        var result = WebAuthnRegistration.Verify(credential, new WebAuthnRegistrationExpectations
        {
            Challenge = challenge,
            Origins = rp.Origins,
            RpId = rp.RpId,
        });
        if (!result.Succeeded)
        {
            return (null, result.Error);
        }

        var registered = result.Credential!;
        if (await factors.FindByCredentialIdAsync(registered.Id.ToArray(), cancellationToken) is not null)
        {
            return (null, "webauthn_credential_in_use");
        }

        var id = "fct_" + RandomTokens.UrlSafe(12);
        var factorName = string.IsNullOrWhiteSpace(name) ? "Passkey" : name.Length > 100 ? name[..100] : name;
        if (!await TryAddAsync(new Factor
        {
            Id = id,
            SubjectId = key,
            Type = FactorType.WebAuthn,
            Name = factorName,
            Status = FactorStatus.Active,
            CreatedAt = time.GetUtcNow(),
            ActivatedAt = time.GetUtcNow(),
            CredentialId = registered.Id.ToArray(),
            PublicKey = registered.PublicKey.ToArray(),
            Algorithm = registered.Algorithm,
            SignCount = registered.SignCount,
            BackupEligible = registered.BackupEligible,
            BackupState = registered.BackupState,
            Aaguid = registered.Aaguid.ToString(),
            Transports = registered.Transports,
        }, cancellationToken))
        {
            return (null, "webauthn_credential_in_use"); // registered concurrently by another request
        }

        var enrolled = FactorEvent(AuditEventTypes.FactorEnrolled, app, subjectId, id, "webauthn", factorName);
        enrolled.Payload["factor"]!["backup_eligible"] = registered.BackupEligible;
        enrolled.Payload["factor"]!["attestation"] = registered.AttestationFormat;
        await audit.AppendAsync(enrolled, cancellationToken);
        return (id, null);
    }

    public async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(string app, string subjectId, CancellationToken cancellationToken)
    {
        var set = RecoveryCodeSet.Generate(recoveryKey.Value);
        await factors.ReplaceRecoveryCodesAsync(SubjectKey.For(app, subjectId), set.Hashes, time.GetUtcNow(), cancellationToken);
        var enrolled = FactorEvent(AuditEventTypes.FactorEnrolled, app, subjectId, "recovery_codes", "recovery_code", "Recovery codes");
        enrolled.Payload["factor"]!["count"] = set.Codes.Count;
        await audit.AppendAsync(enrolled, cancellationToken);
        return set.Codes;
    }

    public async Task<bool> RemoveAsync(string app, string subjectId, string factorId, CancellationToken cancellationToken)
    {
        var key = SubjectKey.For(app, subjectId);
        var factor = await factors.GetAsync(key, factorId, cancellationToken);
        if (factor is null || !await factors.RemoveAsync(key, factorId, time.GetUtcNow(), cancellationToken))
        {
            return false;
        }

        await audit.AppendAsync(FactorEvent(AuditEventTypes.FactorRemoved, app, subjectId, factorId, Factor.TypeName(factor.Type), factor.Name), cancellationToken);
        return true;
    }

    /// <summary>Adds a factor; false when its credential id was taken meanwhile (the unique constraint).</summary>
    private async Task<bool> TryAddAsync(Factor factor, CancellationToken cancellationToken)
    {
        try
        {
            await factors.AddAsync(factor, cancellationToken);
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            return false;
        }
    }

    /// <summary>The challenge inside a registration's clientDataJSON (to find the one StepUp issued).</summary>
    private static byte[]? ChallengeOf(JsonElement credential)
    {
        if (credential.ValueKind != JsonValueKind.Object ||
            !credential.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object ||
            !response.TryGetProperty("clientDataJSON", out var clientDataText) || clientDataText.ValueKind != JsonValueKind.String ||
            !WebAuthnBase64Url.TryDecode(clientDataText.GetString(), 16 * 1024, out var clientDataBytes))
        {
            return null;
        }

        try
        {
            using var clientData = JsonDocument.Parse(clientDataBytes, new JsonDocumentOptions { MaxDepth = 8 });
            return clientData.RootElement.ValueKind == JsonValueKind.Object &&
                   clientData.RootElement.TryGetProperty("challenge", out var challenge) && challenge.ValueKind == JsonValueKind.String &&
                   WebAuthnBase64Url.TryDecode(challenge.GetString(), 1024, out var bytes)
                ? bytes
                : null;
        }
        catch (JsonException)
        {
            return null; // the registration check reports malformed client data itself
        }
    }

    private static AuditEventDraft FactorEvent(string type, string app, string subjectId, string factorId, string factorType, string name) => new()
    {
        Type = type,
        Payload = new JsonObject
        {
            ["outcome"] = "success",
            ["severity"] = "medium",
            ["app"] = app,
            ["subject"] = new JsonObject { ["id"] = subjectId },
            ["factor"] = new JsonObject { ["id"] = factorId, ["type"] = factorType, ["name"] = name },
        },
    };
}
