namespace StepUp.Core.Security;

/// <summary>The form of API key secrets: <c>su_</c> + base64url of 32 random bytes, stored only as SHA-256.</summary>
public static class ApiKeySecrets
{
    /// <summary>Prefix of every generated secret.</summary>
    public const string Prefix = "su_";

    /// <summary>Characters of a secret kept for display (<see cref="ApiKeyRecord.Prefix"/>).</summary>
    public const int DisplayPrefixLength = 8;

    /// <summary>A new secret.</summary>
    public static string NewSecret() => Prefix + RandomTokens.UrlSafe(32);

    /// <summary>A new key id, <c>key_</c> + 16 random characters.</summary>
    public static string NewId() => "key_" + RandomTokens.UrlSafe(12);

    /// <summary>The stored digest of a presented secret (the lookup key).</summary>
    public static byte[] Digest(string secret) => Digests.Sha256(secret);

    /// <summary>The displayable start of a secret.</summary>
    public static string DisplayPrefix(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return secret.Length <= DisplayPrefixLength ? secret : secret[..DisplayPrefixLength];
    }
}
