namespace StepUp.Server.Audit.Stream;

/// <summary>How many live tails are open right now (for operations and for tests that check a stream really ends).</summary>
internal sealed class AuditStreamConnections
{
    private int _active;

    /// <summary>Streams currently open.</summary>
    public int Active => Volatile.Read(ref _active);

    public void Opened() => Interlocked.Increment(ref _active);

    public void Closed() => Interlocked.Decrement(ref _active);
}
