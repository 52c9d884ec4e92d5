using StepUp.Core.Audit;

namespace StepUp.Core.Reports;

/// <summary>Everything a SOC 2 report shows; the renderer itself reads no clock and no store.</summary>
public sealed record Soc2ReportInput
{
    /// <summary>Start of the window (inclusive).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the window (exclusive).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>When the report was generated.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The figures of the window.</summary>
    public required ComplianceEvidence Evidence { get; init; }

    /// <summary>The verification of the whole stored chain.</summary>
    public required AuditVerification Chain { get; init; }

    /// <summary>The seed of the sample.</summary>
    public required int Seed { get; init; }

    /// <summary>The sampled events, in seq order.</summary>
    public required IReadOnlyList<AuditEvent> Sample { get; init; }

    /// <summary>The kid of the audit key that signs the report.</summary>
    public required string Kid { get; init; }

    /// <summary>Where the evidence came from (a database file name).</summary>
    public required string Source { get; init; }
}
