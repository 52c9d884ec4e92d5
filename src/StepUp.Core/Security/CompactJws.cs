using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Core.Security;

/// <summary>
/// RFC 7515 compact JWS with ES256 (RFC 7518 §3.4): the signature is the 64-byte IEEE P1363
/// <c>r ‖ s</c> form, never DER. Headers are written in RFC 8785 form, so a given header and
/// payload always give the same signing input.
/// </summary>
public static class CompactJws
{
    private const int SignatureSize = 64;
    private const int MaxLength = 16 * 1024;

    private static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    /// <summary>Signs <paramref name="payload"/> with ES256; <paramref name="header"/> gets <c>alg: ES256</c>.</summary>
    public static string SignEs256(JsonObject header, ReadOnlySpan<byte> payload, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(key);
        header["alg"] = EcPublicJwk.Algorithm;
        var signingInput = Base64Url.EncodeToString(Jcs.Canonicalize(header)) + "." + Base64Url.EncodeToString(payload);
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Splits and decodes a compact JWS; false when it is not three base64url parts with a JSON object header.</summary>
    public static bool TryDecode(string? jws, [NotNullWhen(true)] out DecodedJws? decoded)
    {
        decoded = null;
        if (jws is null || jws.Length > MaxLength)
        {
            return false;
        }

        var first = jws.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : jws.IndexOf('.', first + 1);
        if (first <= 0 || second < 0 || jws.IndexOf('.', second + 1) >= 0)
        {
            return false;
        }

        if (!TryDecodePart(jws.AsSpan(0, first), out var headerBytes) ||
            !TryDecodePart(jws.AsSpan(first + 1, second - first - 1), out var payload) ||
            !TryDecodePart(jws.AsSpan(second + 1), out var signature))
        {
            return false;
        }

        JsonObject? header;
        try
        {
            header = JsonNode.Parse(headerBytes, documentOptions: ParseOptions) as JsonObject;
        }
        catch (JsonException)
        {
            // A header that is not JSON makes the whole JWS malformed: a result for the verifier, not an error.
            return false;
        }

        if (header is null)
        {
            return false;
        }

        decoded = new DecodedJws(header, payload, Encoding.ASCII.GetBytes(jws[..second]), signature);
        return true;
    }

    /// <summary>
    /// True when <paramref name="jws"/> says <c>alg: ES256</c>, has no <c>crit</c> header it would
    /// have to understand, and its signature verifies with <paramref name="key"/>.
    /// </summary>
    public static bool VerifyEs256(DecodedJws jws, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(jws);
        ArgumentNullException.ThrowIfNull(key);
        return jws.HeaderText("alg") == EcPublicJwk.Algorithm && !jws.Header.ContainsKey("crit") &&
               jws.Signature.Length == SignatureSize &&
               key.VerifyData(jws.SigningInput, jws.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static bool TryDecodePart(ReadOnlySpan<char> part, out byte[] bytes)
    {
        bytes = [];
        if (part.IsEmpty)
        {
            return true;
        }

        // Base64Url tolerates padding and whitespace; RFC 7515 §2 allows neither.
        foreach (var c in part)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        var buffer = new byte[Base64Url.GetMaxDecodedLength(part.Length)];
        if (!Base64Url.TryDecodeFromChars(part, buffer, out var written))
        {
            return false;
        }

        bytes = buffer.AsSpan(0, written).ToArray();
        return true;
    }
}
