namespace StepUp.Core.Factors.WebAuthn.Cose;

/// <summary>
/// Strict structural check of an ECDSA signature in ASN.1 DER (RFC 3279 §2.2.3,
/// <c>SEQUENCE { r INTEGER, s INTEGER }</c>), as WebAuthn requires for ES256: definite short-form
/// lengths that match exactly, minimal positive non-zero integers no wider than the field, no
/// trailing bytes. Lax BER spellings of one signature are refused so a signature has one form.
/// </summary>
internal static class EcdsaDerSignature
{
    private const byte SequenceTag = 0x30;
    private const byte IntegerTag = 0x02;

    public static bool IsStrictDer(ReadOnlySpan<byte> signature, int fieldBytes)
    {
        // Both integers fit in 2 + fieldBytes + 1 bytes, so the sequence length is always short form.
        if (signature.Length < 8 || signature[0] != SequenceTag || signature[1] >= 0x80 || signature[1] != signature.Length - 2)
        {
            return false;
        }

        var rest = signature[2..];
        return TryReadInteger(ref rest, fieldBytes) && TryReadInteger(ref rest, fieldBytes) && rest.IsEmpty;
    }

    private static bool TryReadInteger(ref ReadOnlySpan<byte> input, int fieldBytes)
    {
        if (input.Length < 3 || input[0] != IntegerTag)
        {
            return false;
        }

        var length = input[1];
        if (length == 0 || length > fieldBytes + 1 || length > input.Length - 2)
        {
            return false;
        }

        var value = input.Slice(2, length);
        var negative = (value[0] & 0x80) != 0;
        var padded = value.Length > 1 && value[0] == 0 && (value[1] & 0x80) == 0;
        var zero = value.IndexOfAnyExcept((byte)0) < 0;
        var tooWide = value.Length == fieldBytes + 1 && value[0] != 0;
        if (negative || padded || zero || tooWide)
        {
            return false;
        }

        input = input[(2 + length)..];
        return true;
    }
}
