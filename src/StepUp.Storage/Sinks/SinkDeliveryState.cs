namespace StepUp.Storage.Sinks;

/// <summary>The stored delivery state of one audit sink.</summary>
/// <param name="Name">The sink's configured name.</param>
/// <param name="LastSeq">Every event up to this seq that the sink selects has been delivered.</param>
/// <param name="LastAttemptAt">When the last delivery attempt ended.</param>
/// <param name="LastSuccessAt">When the last delivery succeeded.</param>
/// <param name="Failures">Consecutive failed attempts (0 after a success).</param>
/// <param name="LastError">The last failure, short and free of secrets; null after a success.</param>
public sealed record SinkDeliveryState(
    string Name,
    long LastSeq,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    int Failures,
    string? LastError);
