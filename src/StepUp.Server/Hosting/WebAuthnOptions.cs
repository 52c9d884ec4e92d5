namespace StepUp.Server.Hosting;

/// <summary><c>StepUp:WebAuthn</c>: the relying party StepUp speaks for.</summary>
public sealed class WebAuthnOptions
{
    /// <summary>The RP ID (a registrable domain of the origins); default: the host of <c>StepUp:PublicUrl</c>, else <c>localhost</c>.</summary>
    public string? RpId { get; set; }

    /// <summary>Shown by authenticators.</summary>
    public string RpName { get; set; } = "StepUp";

    /// <summary>Origins allowed in client data; default: the origin of <c>StepUp:PublicUrl</c>, else http://localhost:8080.</summary>
    public List<string> Origins { get; set; } = [];
}
