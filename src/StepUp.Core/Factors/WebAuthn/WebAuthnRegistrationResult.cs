using System.Diagnostics.CodeAnalysis;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>The outcome of <see cref="WebAuthnRegistration.Verify(WebAuthnRegistrationResponse, WebAuthnRegistrationExpectations)"/>: a credential, or one error code.</summary>
public sealed class WebAuthnRegistrationResult
{
    private WebAuthnRegistrationResult(WebAuthnRegisteredCredential? credential, string? error)
    {
        Credential = credential;
        Error = error;
    }

    /// <summary>True when every check passed and <see cref="Credential"/> may be stored.</summary>
    [MemberNotNullWhen(true, nameof(Credential))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>The verified credential, when <see cref="Succeeded"/>.</summary>
    public WebAuthnRegisteredCredential? Credential { get; }

    /// <summary>A <see cref="WebAuthnErrors"/> code, when not <see cref="Succeeded"/>.</summary>
    public string? Error { get; }

    internal static WebAuthnRegistrationResult Success(WebAuthnRegisteredCredential credential) => new(credential, null);

    internal static WebAuthnRegistrationResult Failed(string error) => new(null, error);
}
