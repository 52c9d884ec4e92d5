namespace StepUp.Server.Hosting;

/// <summary><c>StepUp:Secrets</c>: the key-encryption key for secrets at rest (SPEC §8).</summary>
public sealed class SecretsOptions
{
    /// <summary>
    /// Base64 of 32 bytes (<c>openssl rand -base64 32</c>); it encrypts signing keys and factor
    /// secrets. With SQLite and none set, one is generated on first start into <c>stepup.key</c>
    /// beside the database (mode 0600); with a shared database it is required. Never logged.
    /// </summary>
    public string? Key { get; set; }
}
