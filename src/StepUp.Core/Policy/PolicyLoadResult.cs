namespace StepUp.Core.Policy;

/// <summary>The outcome of loading a policy: a policy, or every error found (never only the first).</summary>
public sealed class PolicyLoadResult
{
    public CompiledPolicy? Policy { get; init; }

    public required IReadOnlyList<PolicyDiagnostic> Diagnostics { get; init; }

    public bool Success => Policy is not null;

    public IEnumerable<PolicyDiagnostic> Errors => Diagnostics.Where(d => !d.IsWarning);
}

/// <summary>What the running configuration can provide; used for warnings only.</summary>
public sealed record PolicyLoadOptions
{
    public static readonly PolicyLoadOptions Default = new();

    public bool GeoAvailable { get; init; }
    public bool AnonymousIpAvailable { get; init; }
}
