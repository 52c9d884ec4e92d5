namespace StepUp.Core.Reports;

/// <summary>The result of checking a signed report.</summary>
/// <param name="Ok">True when the signature verifies and covers the file as it is.</param>
/// <param name="Reason">Why it failed, in words; null when it verified.</param>
public sealed record ReportVerification(bool Ok, string? Reason)
{
    /// <summary>The kid the report names, when it could be read.</summary>
    public string? Kid { get; init; }

    /// <summary>The verified SHA-256 of the report with an empty slot.</summary>
    public string? Digest { get; init; }

    /// <summary>A failed verification.</summary>
    public static ReportVerification Fail(string reason) => new(false, reason);
}
