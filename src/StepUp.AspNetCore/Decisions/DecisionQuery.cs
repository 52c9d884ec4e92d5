namespace StepUp.AspNetCore.Decisions;

/// <summary>The facts of one <c>POST /v1/decisions</c> request (SPEC §3.1).</summary>
internal sealed class DecisionQuery
{
    public required string SubjectId { get; init; }
    public required string SessionId { get; init; }
    public IReadOnlyDictionary<string, object?>? SubjectAttributes { get; init; }
    public required string Action { get; init; }
    public StepUpResource? Resource { get; init; }
    public string? Ip { get; init; }
    public string? UserAgent { get; init; }
    public string? DeviceId { get; init; }
    public IReadOnlyList<string> Amr { get; init; } = [];
    public long? AuthTime { get; init; }
    public string? ElevationToken { get; init; }
}
