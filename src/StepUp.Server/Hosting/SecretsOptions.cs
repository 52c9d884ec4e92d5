namespace StepUp.Server.Hosting;

/// <summary><c>StepUp:Secrets</c>: the key-encryption key for secrets at rest (SPEC §8).</summary>
public sealed class SecretsOptions
{
    /// <summary>Base64 of 32 bytes. With SQLite and none set, one is generated into a file beside the database.</summary>
    public string? Key { get; set; }
}
