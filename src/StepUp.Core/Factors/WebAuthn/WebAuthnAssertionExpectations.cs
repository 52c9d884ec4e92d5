namespace StepUp.Core.Factors.WebAuthn;

/// <summary>What the relying party expects of an assertion: the ceremony's challenge, origins, RP ID and policy.</summary>
public sealed record WebAuthnAssertionExpectations
{
    /// <summary>The challenge sent in the request options. The caller makes it single-use.</summary>
    public required ReadOnlyMemory<byte> Challenge { get; init; }

    /// <summary>Origins allowed to run the ceremony, compared exactly.</summary>
    public required IReadOnlyCollection<string> Origins { get; init; }

    /// <summary>The RP ID whose SHA-256 the authenticator data must carry.</summary>
    public required string RpId { get; init; }

    /// <summary>Refuse the assertion unless the UV flag is set (what <c>aal3</c> needs).</summary>
    public bool RequireUserVerification { get; init; }

    /// <summary>
    /// The credential ids sent as <c>allowCredentials</c>; the credential used must be one of them.
    /// Empty only for a discoverable-credential ceremony, where any credential of the user may answer.
    /// </summary>
    public IReadOnlyCollection<ReadOnlyMemory<byte>> AllowCredentialIds { get; init; } = [];
}
