using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;

namespace StepUp.Storage.Sqlite;

/// <summary>Maps <c>audit_events</c> rows to <see cref="AuditEvent"/>s.</summary>
internal static class SqliteAuditRows
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = "seq, id, time, type, prev_hash, payload_digest, hash, payload, erased";

    /// <exception cref="AuditEventFormatException">The row does not hold a readable event.</exception>
    public static AuditEvent Read(SqliteDataReader row)
    {
        var seq = row.GetInt64(0);
        if (row.IsDBNull(1) || row.IsDBNull(2) || row.IsDBNull(3) || row.IsDBNull(4) || row.IsDBNull(5) || row.IsDBNull(6))
        {
            throw new AuditEventFormatException($"Audit event {seq} has a NULL envelope field.") { Seq = seq };
        }

        if (!AuditTime.TryParse(row.GetString(2), out var time))
        {
            throw new AuditEventFormatException($"Audit event {seq} has a malformed time.") { Seq = seq };
        }

        var erased = row.GetInt64(8) != 0;
        byte[]? payload = null;
        if (!erased)
        {
            // The stored UTF-8 bytes as they are (no string in between), parsed on first use of
            // Payload: verifying the digest needs only these bytes.
            payload = row.IsDBNull(7)
                ? throw new AuditEventFormatException($"Audit event {seq} has no payload but is not marked erased.") { Seq = seq }
                : row.GetFieldValue<byte[]>(7);
        }

        return new AuditEvent
        {
            Seq = seq,
            Id = row.GetString(1),
            Time = time,
            Type = row.GetString(3),
            PrevHash = row.GetString(4),
            PayloadDigest = row.GetString(5),
            Hash = row.GetString(6),
            Erased = erased,
            StoredPayloadUtf8 = payload,
        };
    }
}
