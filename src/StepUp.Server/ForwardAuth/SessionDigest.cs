using System.Security.Cryptography;
using System.Text;

namespace StepUp.Server.ForwardAuth;

/// <summary>
/// Turns the app's session cookie (or session header) into the <c>session_id</c> of decisions:
/// lowercase hex HMAC-SHA256 under a key derived from the secrets key (<c>StepUp:Secrets:Key</c>,
/// purpose <c>forward-auth/session</c>). The raw value, which may be a bearer credential, never
/// reaches storage or the audit trail; the proxy, which knows only the forward-auth secret, cannot
/// compute session ids; and rotating the forward-auth secret keeps elevations valid.
/// </summary>
internal sealed class SessionDigest(byte[] key)
{
    public const string KeyPurpose = "forward-auth/session";

    public string Compute(string rawSession)
    {
        ArgumentNullException.ThrowIfNull(rawSession);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(rawSession)));
    }
}
