namespace StepUp.Core.Audit.Checkpoints;

/// <summary>
/// One checkpoint from an anchor file (<c>StepUp:Audit:CheckpointFile</c>, one <c>audit.checkpoint</c>
/// event per line, kept away from the database). The chain must still hold this exact event:
/// otherwise it was truncated or rolled back.
/// </summary>
/// <param name="Seq">The checkpoint event's own seq.</param>
/// <param name="Hash">The checkpoint event's hash.</param>
/// <param name="CheckpointSeq">The seq it covers.</param>
/// <param name="CheckpointHash">The hash it covers.</param>
/// <param name="Jws">Its signature.</param>
public sealed record CheckpointAnchor(long Seq, string Hash, long CheckpointSeq, string CheckpointHash, string Jws)
{
    /// <summary>Reads one anchor line (an exported <c>audit.checkpoint</c> event).</summary>
    /// <exception cref="AuditEventFormatException">Not an <c>audit.checkpoint</c> event with its checkpoint fields.</exception>
    public static CheckpointAnchor Parse(string line)
    {
        var evt = AuditEvent.Parse(line);
        if (!string.Equals(evt.Type, AuditEventTypes.AuditCheckpoint, StringComparison.Ordinal))
        {
            throw new AuditEventFormatException($"An anchor line must be an {AuditEventTypes.AuditCheckpoint} event, not {evt.Type}.") { Seq = evt.Seq };
        }

        if (!AuditCheckpoint.TryReadEventPayload(evt.Payload, out var seq, out var hash, out var jws))
        {
            throw new AuditEventFormatException("An anchor line lacks checkpoint_seq, checkpoint_hash or jws.") { Seq = evt.Seq };
        }

        return new CheckpointAnchor(evt.Seq, evt.Hash, seq, hash, jws);
    }

    /// <summary>Reads an anchor file: one event per line, blank lines skipped.</summary>
    /// <exception cref="AuditEventFormatException">A line that is not a checkpoint; the message names the line.</exception>
    public static IReadOnlyList<CheckpointAnchor> ParseLines(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var anchors = new List<CheckpointAnchor>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                anchors.Add(Parse(line));
            }
            catch (AuditEventFormatException ex)
            {
                throw new AuditEventFormatException($"Anchor line {number}: {ex.Message}", ex) { Seq = ex.Seq };
            }
        }

        return anchors;
    }
}
