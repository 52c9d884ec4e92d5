namespace StepUp.Server.Audit.Sinks;

/// <summary>What one sink is doing, as <c>GET /v1/audit/sinks</c> shows it.</summary>
/// <param name="State"><c>starting</c>, <c>idle</c>, <c>delivering</c>, <c>retrying</c>, <c>crashed</c> or <c>stopped</c>.</param>
/// <param name="LastSeq">Every selected event up to this seq has been delivered (or skipped by the filter).</param>
internal sealed record SinkStatus(
    string Name,
    string Type,
    IReadOnlyList<string> Types,
    string State,
    long LastSeq,
    int Failures,
    string? LastError,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? NextAttemptAt);
