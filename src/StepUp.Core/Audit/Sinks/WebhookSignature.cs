using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StepUp.Core.Audit.Sinks;

/// <summary>
/// The webhook signature of SPEC §5: <c>X-StepUp-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256
/// of "&lt;t&gt;.&lt;raw body&gt;"&gt;</c>, keyed with the UTF-8 bytes of the shared secret. Receivers
/// recompute it over the exact bytes they received and reject a stale <c>t</c>.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header that carries the signature.</summary>
    public const string HeaderName = "X-StepUp-Signature";

    /// <summary>How far a receiver should let <c>t</c> stray from its own clock (5 minutes).</summary>
    public const long DefaultToleranceSeconds = 300;

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="unixSeconds"/>.</summary>
    public static string Create(ReadOnlySpan<byte> secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        if (secret.IsEmpty)
        {
            throw new ArgumentException("A webhook secret must not be empty.", nameof(secret));
        }

        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        return "t=" + t + ",v1=" + Convert.ToHexStringLower(Mac(secret, t, body));
    }

    /// <summary>
    /// Checks a header value: well-formed, <c>t</c> within <paramref name="toleranceSeconds"/> of
    /// <paramref name="nowUnixSeconds"/>, and one <c>v1</c> equal (in constant time) to the MAC of the body.
    /// </summary>
    public static bool Verify(string? header, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> body, long nowUnixSeconds, long toleranceSeconds = DefaultToleranceSeconds)
    {
        if (string.IsNullOrEmpty(header) || secret.IsEmpty)
        {
            return false;
        }

        string? t = null;
        var candidates = new List<byte[]>(1);
        foreach (var part in header.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return false;
            }

            var key = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            if (key == "t")
            {
                t = value;
            }
            else if (key == "v1" && value.Length == 64)
            {
                try
                {
                    candidates.Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                    return false;
                }
            }
        }

        if (t is null || candidates.Count == 0 ||
            !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var sentAt) ||
            Math.Abs(nowUnixSeconds - sentAt) > toleranceSeconds)
        {
            return false;
        }

        var expected = Mac(secret, t, body);
        var match = false;
        foreach (var candidate in candidates)
        {
            match |= CryptographicOperations.FixedTimeEquals(candidate, expected);
        }

        return match;
    }

    private static byte[] Mac(ReadOnlySpan<byte> secret, string t, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes(t + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
