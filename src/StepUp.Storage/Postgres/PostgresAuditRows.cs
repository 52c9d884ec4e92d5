using Npgsql;
using StepUp.Core.Audit;

namespace StepUp.Storage.Postgres;

/// <summary>Maps <c>audit_events</c> rows to <see cref="AuditEvent"/>s.</summary>
internal static class PostgresAuditRows
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns = "seq, id, time, type, prev_hash, payload_digest, hash, payload, erased";

    /// <summary>Reads every row of <paramref name="command"/> (a chunk: the connection goes back to the pool before the caller yields).</summary>
    public static async Task<List<AuditEvent>> ReadAllAsync(NpgsqlCommand command, int capacity, CancellationToken cancellationToken)
    {
        var events = new List<AuditEvent>(capacity);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(Read(reader));
        }

        return events;
    }

    /// <exception cref="AuditEventFormatException">The row does not hold a readable event.</exception>
    public static AuditEvent Read(NpgsqlDataReader row)
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

        var erased = row.GetBoolean(8);
        byte[]? text = null;
        if (!erased)
        {
            // Parsed on first use of Payload: verifying the digest needs only the stored text.
            text = row.IsDBNull(7)
                ? throw new AuditEventFormatException($"Audit event {seq} has no payload but is not marked erased.") { Seq = seq }
                : System.Text.Encoding.UTF8.GetBytes(row.GetString(7));
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
            StoredPayloadUtf8 = text,
        };
    }
}
