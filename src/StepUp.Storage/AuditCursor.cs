using System.Buffers.Binary;
using System.Buffers.Text;

namespace StepUp.Storage;

/// <summary>
/// Opaque paging cursors: base64url of a version byte and the last returned seq. Clients must
/// treat them as opaque; the format may change with the version byte.
/// </summary>
public static class AuditCursor
{
    private const byte Version = 1;

    /// <summary>The cursor that continues after (older than) <paramref name="lastSeq"/>.</summary>
    public static string Encode(long lastSeq)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lastSeq, 1);
        Span<byte> bytes = stackalloc byte[9];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], lastSeq);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a cursor made by <see cref="Encode"/>; false for anything else.</summary>
    public static bool TryDecode(string? cursor, out long lastSeq)
    {
        lastSeq = 0;
        if (cursor is not { Length: 12 })
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[9];
        if (Base64Url.DecodeFromChars(cursor, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done ||
            consumed != cursor.Length || written != 9 || bytes[0] != Version)
        {
            return false;
        }

        lastSeq = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        // Re-encoding must give the same text, so only one spelling of each cursor is accepted.
        return lastSeq >= 1 && string.Equals(Encode(lastSeq), cursor, StringComparison.Ordinal);
    }
}
