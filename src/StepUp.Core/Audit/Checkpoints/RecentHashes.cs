namespace StepUp.Core.Audit.Checkpoints;

/// <summary>
/// The hashes of the last <see cref="Window"/> events a streaming verifier has seen, so a checkpoint
/// can be matched against the event it covers without keeping the whole chain in memory. A
/// checkpoint normally covers the event just before it; concurrent appends can put a few events
/// in between, never thousands.
/// </summary>
internal sealed class RecentHashes
{
    /// <summary>How many events back a checkpoint may point.</summary>
    public const int Window = 1 << 16;

    private const int HashSize = 32;

    private byte[] _ring = new byte[64 * HashSize];
    private long _firstSeq = -1;
    private long _lastSeq = -1;

    /// <summary>Lookup outcome.</summary>
    public enum Match
    {
        Same,
        Different,

        /// <summary>The seq is before where verification started: nothing to compare with.</summary>
        BeforeStart,

        /// <summary>The seq is older than the window, or not yet seen.</summary>
        Unavailable,
    }

    /// <summary>Records the hash of <paramref name="seq"/> (seqs must be added in order, no gaps).</summary>
    public void Add(long seq, string hexHash)
    {
        if (_firstSeq < 0)
        {
            _firstSeq = seq;
        }

        _lastSeq = seq;
        var count = _lastSeq - _firstSeq + 1;
        var capacity = _ring.Length / HashSize;
        if (count > capacity && capacity < Window)
        {
            Grow(Math.Min(Window, capacity * 2));
            capacity = _ring.Length / HashSize;
        }

        var slot = _ring.AsSpan((int)(seq % capacity) * HashSize, HashSize);
        if (Convert.FromHexString(hexHash, slot, out _, out var written) != System.Buffers.OperationStatus.Done || written != HashSize)
        {
            // Only verified hashes are added, and those are 64 hex digits; anything else never matches.
            slot.Fill(0xFF);
        }
    }

    /// <summary>Compares <paramref name="hexHash"/> with the recorded hash of <paramref name="seq"/>.</summary>
    public Match Compare(long seq, string hexHash)
    {
        if (_firstSeq < 0 || seq < _firstSeq)
        {
            return Match.BeforeStart;
        }

        var capacity = _ring.Length / HashSize;
        if (seq > _lastSeq || seq <= _lastSeq - capacity)
        {
            return Match.Unavailable;
        }

        Span<byte> candidate = stackalloc byte[HashSize];
        if (hexHash.Length != HashSize * 2 ||
            Convert.FromHexString(hexHash, candidate, out _, out var written) != System.Buffers.OperationStatus.Done || written != HashSize ||
            !string.Equals(hexHash, Convert.ToHexStringLower(candidate), StringComparison.Ordinal))
        {
            return Match.Different;
        }

        return candidate.SequenceEqual(_ring.AsSpan((int)(seq % capacity) * HashSize, HashSize)) ? Match.Same : Match.Different;
    }

    private void Grow(int newCapacity)
    {
        var oldCapacity = _ring.Length / HashSize;
        var ring = new byte[newCapacity * HashSize];
        // Re-home every hash still held; the newest seq (just being added) is written by the caller.
        for (var seq = Math.Max(_firstSeq, _lastSeq - oldCapacity); seq < _lastSeq; seq++)
        {
            _ring.AsSpan((int)(seq % oldCapacity) * HashSize, HashSize).CopyTo(ring.AsSpan((int)(seq % newCapacity) * HashSize));
        }

        _ring = ring;
    }
}
