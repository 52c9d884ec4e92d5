namespace StepUp.Core.Monitoring;

/// <summary>
/// One alert a detector raised (SPEC §5): which detector, for which key (a subject, an IP, or
/// <c>all</c> for the spikes), and the window counts that tripped it.
/// </summary>
public sealed record Alert(string Detector, string Key, long Count, long Threshold, TimeSpan Window)
{
    /// <summary>For the spikes: the trailing rate per window the count was compared with.</summary>
    public double? Baseline { get; init; }

    /// <summary>The subject (app-scoped) the alert is about, when there is one.</summary>
    public string? App { get; init; }

    public string? SubjectId { get; init; }

    public string? Ip { get; init; }

    /// <summary>A one-line description for people ("5 failed verifications for subject alice in 10m").</summary>
    public string Title => Detector switch
    {
        Detectors.SubjectFailures => $"{Count} failed verifications for subject {SubjectId ?? Key} in {Durations(Window)}",
        Detectors.IpFailures => $"{Count} failed verifications from {Key} in {Durations(Window)}",
        Detectors.FailureSpike => $"failure spike: {Count} failed verifications in {Durations(Window)} (trailing rate {Baseline:0.##})",
        Detectors.TriggerSpike => $"step-up spike: {Count} step-ups in {Durations(Window)} (trailing rate {Baseline:0.##})",
        Detectors.DeniedRegion => $"request from a denied region for subject {SubjectId ?? Key}",
        _ => $"impossible travel for subject {SubjectId ?? Key}",
    };

    private static string Durations(TimeSpan window) => Policy.Durations.Format(window);
}
