namespace StepUp.Storage.Sinks;

/// <summary>
/// Durable cursors of the audit sinks. A cursor only moves forward; writes are single short
/// statements so they never hold up the audit writer for long.
/// </summary>
public interface ISinkDeliveryStore
{
    /// <summary>The sink's state; creates it with cursor <paramref name="startSeq"/> the first time a sink of that name is seen.</summary>
    Task<SinkDeliveryState> OpenAsync(string name, long startSeq, CancellationToken cancellationToken = default);

    /// <summary>A delivery succeeded: moves the cursor to <paramref name="lastSeq"/> (never back) and clears the failures.</summary>
    Task RecordDeliveredAsync(string name, long lastSeq, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Moves the cursor over events the sink's filter skips (nothing was delivered).</summary>
    Task AdvanceAsync(string name, long lastSeq, CancellationToken cancellationToken = default);

    /// <summary>A delivery failed: counts it and keeps <paramref name="error"/> (cut to 500 characters); the cursor stays.</summary>
    Task RecordFailureAsync(string name, DateTimeOffset at, string error, CancellationToken cancellationToken = default);

    /// <summary>Every stored sink state, by name.</summary>
    Task<IReadOnlyList<SinkDeliveryState>> ListAsync(CancellationToken cancellationToken = default);
}
