using System.Diagnostics.CodeAnalysis;
using StepUp.Core.Policy;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// The outcome of <see cref="WebAuthnAssertion"/>. The flag and counter members are set whenever the
/// signature verified — also when <see cref="Error"/> is <see cref="WebAuthnErrors.SignCountRegressed"/>,
/// so the caller can audit a possibly cloned authenticator with both counters.
/// </summary>
public sealed class WebAuthnAssertionResult
{
    private WebAuthnAssertionResult(string? error)
    {
        Error = error;
    }

    /// <summary>True when every check passed; the caller then stores <see cref="SignCount"/> and <see cref="BackupState"/>.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>A <see cref="WebAuthnErrors"/> code, when not <see cref="Succeeded"/>.</summary>
    public string? Error { get; }

    /// <summary>True when the signature verified but the counter did not advance (the error is then <see cref="WebAuthnErrors.SignCountRegressed"/>).</summary>
    public bool SignCountRegressed { get; private init; }

    /// <summary>The authenticator's new signature counter.</summary>
    public uint SignCount { get; private init; }

    /// <summary>The counter that was stored before this assertion.</summary>
    public uint StoredSignCount { get; private init; }

    /// <summary>The UV flag.</summary>
    public bool UserVerified { get; private init; }

    /// <summary>The BE flag (equal to the stored one whenever the signature was checked).</summary>
    public bool BackupEligible { get; private init; }

    /// <summary>The BS flag, which may change between assertions.</summary>
    public bool BackupState { get; private init; }

    /// <summary>
    /// The level this assertion proves (SPEC §2): <c>aal3</c> only with UV on a device-bound
    /// credential (BE = 0); a synced passkey or a UV-less assertion reaches <c>aal2</c>.
    /// Meaningful only when <see cref="Succeeded"/>.
    /// </summary>
    public AssuranceLevel Level => UserVerified && !BackupEligible ? AssuranceLevel.Aal3 : AssuranceLevel.Aal2;

    internal static WebAuthnAssertionResult Failed(string error) => new(error);

    internal static WebAuthnAssertionResult Verified(AuthenticatorData data, uint storedSignCount, bool regressed) =>
        new(regressed ? WebAuthnErrors.SignCountRegressed : null)
        {
            SignCountRegressed = regressed,
            SignCount = data.SignCount,
            StoredSignCount = storedSignCount,
            UserVerified = data.UserVerified,
            BackupEligible = data.BackupEligible,
            BackupState = data.BackupState,
        };
}
