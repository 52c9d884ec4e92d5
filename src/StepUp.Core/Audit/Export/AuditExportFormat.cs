namespace StepUp.Core.Audit.Export;

/// <summary>The formats of <c>GET /v1/audit/export</c> and <c>stepup audit export</c>.</summary>
public enum AuditExportFormat
{
    /// <summary>One stored event JSON per line (SPEC §7), verifiable offline.</summary>
    Jsonl,

    /// <summary>RFC 4180 CSV, one row per event, formula-leading cells escaped.</summary>
    Csv,

    /// <summary>One OCSF 1.3.0 event object per line.</summary>
    Ocsf,
}
