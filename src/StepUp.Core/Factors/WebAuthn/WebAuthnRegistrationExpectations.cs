namespace StepUp.Core.Factors.WebAuthn;

/// <summary>What the relying party expects of a registration: the ceremony's challenge, origins, RP ID and policy.</summary>
public sealed record WebAuthnRegistrationExpectations
{
    /// <summary>The challenge sent in the creation options. The caller makes it single-use.</summary>
    public required ReadOnlyMemory<byte> Challenge { get; init; }

    /// <summary>Origins allowed to run the ceremony, compared exactly (<c>https://auth.example.com</c>).</summary>
    public required IReadOnlyCollection<string> Origins { get; init; }

    /// <summary>The RP ID whose SHA-256 the authenticator data must carry.</summary>
    public required string RpId { get; init; }

    /// <summary>Refuse the registration unless the authenticator verified the user (UV flag).</summary>
    public bool RequireUserVerification { get; init; }

    /// <summary>The <c>pubKeyCredParams</c> algorithms that were offered; the new key must use one of them.</summary>
    public IReadOnlyCollection<int> Algorithms { get; init; } = WebAuthnAlgorithms.All;
}
