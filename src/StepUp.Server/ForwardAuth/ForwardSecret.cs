using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace StepUp.Server.ForwardAuth;

/// <summary>
/// The shared secret of <c>StepUp:ForwardAuth:Secret</c>, kept as its SHA-256 digest and compared
/// in constant time (digests of equal length, so the secret's length does not leak either).
/// </summary>
internal sealed class ForwardSecret
{
    public const string HeaderName = "X-StepUp-Forward-Secret";

    private readonly byte[]? _digest;

    public ForwardSecret(string? secret) =>
        _digest = string.IsNullOrEmpty(secret) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>False when no secret is configured: forward auth is disabled.</summary>
    public bool IsConfigured => _digest is not null;

    /// <summary>Whether the header holds exactly one value equal to the secret.</summary>
    public bool Matches(StringValues header)
    {
        if (_digest is null || header.Count != 1 || string.IsNullOrEmpty(header[0]))
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(header[0]!), digest);
        return CryptographicOperations.FixedTimeEquals(digest, _digest);
    }
}
