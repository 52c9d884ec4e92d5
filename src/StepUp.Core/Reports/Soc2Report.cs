using System.Globalization;
using System.Net;
using System.Text;
using StepUp.Core.Audit;

namespace StepUp.Core.Reports;

/// <summary>
/// Renders the SOC 2 evidence report: one self-contained, print-friendly HTML file (inline CSS, no
/// scripts, nothing external), every value HTML-encoded and every figure on an element id, with an
/// empty <see cref="ReportSignature.EmptySlot"/> for the signature.
/// </summary>
public static partial class Soc2Report
{
    /// <summary>The status a control shows when the chain does not verify.</summary>
    public const string Failed = "FAILED";

    /// <summary>The status a control shows when the chain verifies.</summary>
    public const string Passed = "PASSED";

    private const string Css = """
        body{font-family:system-ui,sans-serif;margin:2em;color:#111;max-width:60em}
        h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #999;margin-top:1.5em}
        table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
        td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.85em;word-break:break-all}
        .PASSED{color:#075e07;font-weight:bold}.FAILED{color:#a00;font-weight:bold}
        @page{size:A4;margin:15mm}
        @media print{body{margin:0;max-width:none;font-size:10pt}h2,h3{page-break-after:avoid}table{page-break-inside:avoid}tr{page-break-inside:avoid}a{color:inherit}.PASSED,.FAILED{print-color-adjust:exact}}
        """;

    /// <summary>The unsigned report (its signature slot empty).</summary>
    public static string Render(Soc2ReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var e = input.Evidence;
        var status = input.Chain.Ok ? Passed : Failed;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>StepUp SOC 2 evidence report</title>\n<style>")
            .Append(Css).Append("</style></head><body>\n");
        html.Append("<h1>StepUp SOC 2 evidence report</h1>\n<table>");
        Row(html, "Window (from, inclusive)", "window-from", AuditTime.ToText(input.From));
        Row(html, "Window (to, exclusive)", "window-to", AuditTime.ToText(input.To));
        Row(html, "Generated", "generated-at", AuditTime.ToText(input.GeneratedAt));
        Row(html, "Source", "source", input.Source);
        Row(html, "Events in window", "events-in-window", N(e.EventsInWindow));
        html.Append("</table>\n");

        RenderIntegrity(html, input, status);
        Control(html, "cc6-1", "CC6.1 Logical access to protected actions", status,
            "StepUp evaluates every protected action against the loaded policy; actions the policy marks step_up are allowed only with a fresh, verified step-up (an elevation bound to the subject, session and action).");
        html.Append("<table>");
        Row(html, "Decisions evaluated", "decisions-total", N(e.Decisions));
        Row(html, "Decisions that required a step-up", "stepup-required", N(e.StepUpRequired));
        Row(html, "… followed by a verified challenge or allowed by a fresh elevation", "stepup-satisfied", N(e.StepUpSatisfied));
        Row(html, "… not (abandoned, failed or still pending at the window's end)", "stepup-unsatisfied", N(e.StepUpUnsatisfied));
        Row(html, "Share satisfied", "stepup-satisfied-share", Share(e.StepUpSatisfied, e.StepUpRequired));
        if (e.StepUpUntracked > 0)
        {
            Row(html, "… of the unsatisfied, decisions whose challenge was dropped from tracking (too many open at once)", "stepup-untracked", N(e.StepUpUntracked));
        }

        Row(html, "Privileged actions performed with a fresh step-up (elevation.used)", "elevations-used", N(e.ElevationsUsed));
        Row(html, "Challenges verified", "challenges-verified", N(e.ChallengesVerified));
        Row(html, "Challenge failures", "challenge-failures", N(e.ChallengeFailures));
        html.Append("</table>\n");

        Control(html, "cc6-2", "CC6.2 / CC6.3 Factor registration, role and key changes", status,
            "Factor enrolment and removal, API key creation and revocation, and policy (role and rule) changes are written to the audit trail as they happen.");
        html.Append("<table>");
        Row(html, "Factors enrolled", "factor-enrolled", N(e.FactorsEnrolled));
        Row(html, "Factors removed", "factor-removed", N(e.FactorsRemoved));
        Row(html, "API keys created", "apikey-created", N(e.ApiKeysCreated));
        Row(html, "API keys revoked", "apikey-revoked", N(e.ApiKeysRevoked));
        Row(html, "Policies loaded", "policy-loaded", N(e.PoliciesLoaded));
        Row(html, "Policies rejected", "policy-rejected", N(e.PoliciesRejected));
        html.Append("</table>\n");
        RenderPolicyHistory(html, e);

        Control(html, "cc7-2", "CC7.2 / CC7.3 Anomaly monitoring and response", status,
            "StepUp locks a subject after repeated challenge failures and raises alerts on anomalies, delivering them to the configured webhook.");
        html.Append("<table>");
        Row(html, "Lockouts (subject.locked)", "lockouts", N(e.Lockouts));
        Row(html, "Alerts raised", "alerts-raised", N(e.AlertsRaised));
        Row(html, "Alert deliveries succeeded", "alert-deliveries-ok", N(e.AlertDeliveriesSucceeded));
        Row(html, "Alert deliveries failed", "alert-deliveries-failed", N(e.AlertDeliveriesFailed));
        html.Append("</table>\n");

        RenderSample(html, input);
        html.Append("<h2>Report signature</h2>\n<p>This file carries a compact JWS (ES256) over the SHA-256 of its own text, signed with the audit key <code id=\"signing-kid\">")
            .Append(Encode(input.Kid))
            .Append("</code>, in the HTML comment at its end. Check it with <code>stepup report verify</code>.</p>\n</body></html>\n")
            .Append(ReportSignature.EmptySlot).Append('\n');
        return html.ToString();
    }

    private static void RenderIntegrity(StringBuilder html, Soc2ReportInput input, string status)
    {
        var chain = input.Chain;
        Control(html, "integrity", "Audit trail integrity (supports every control below)", status,
            "Every event is hash-chained (seq, prev_hash, payload_digest, hash) and signed checkpoints are verified against the audit keys. If the chain does not verify, no figure in this report can be relied on and every control is FAILED.");
        html.Append("<table>");
        Row(html, "Chain verification", "chain-status", chain.Ok ? "verified" : "FAILED");
        Row(html, "Events verified", "chain-events-verified", N(chain.EventsVerified));
        Row(html, "Last seq", "chain-last-seq", N(chain.LastSeq));
        Row(html, "Checkpoints verified", "chain-checkpoints-verified", N(chain.CheckpointsVerified));
        if (!chain.Ok)
        {
            Row(html, "First bad seq", "chain-first-bad-seq", chain.FirstBadSeq?.ToString(CultureInfo.InvariantCulture) ?? "-");
            Row(html, "Reason", "chain-reason", chain.Reason ?? "-");
        }

        Row(html, "Last checkpoint", "chain-last-checkpoint", chain.LastCheckpoint is { } c
            ? string.Create(CultureInfo.InvariantCulture, $"covers seq {c.Seq} (hash {c.Hash}), signed {AuditTime.ToText(c.Time)}")
            : "none");
        html.Append("</table>\n");
    }

    private static void Control(StringBuilder html, string id, string title, string status, string enforced) =>
        html.Append("<h2 id=\"").Append(id).Append("\">").Append(Encode(title)).Append("</h2>\n<p>Status: <span class=\"")
            .Append(status).Append("\" id=\"").Append(id).Append("-status\">").Append(status).Append("</span></p>\n<p>What StepUp enforces: ")
            .Append(Encode(enforced)).Append("</p>\n");

    private static void Row(StringBuilder html, string label, string id, string value) =>
        html.Append("<tr><th>").Append(Encode(label)).Append("</th><td class=\"n\" id=\"").Append(id).Append("\">").Append(Encode(value)).Append("</td></tr>");

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Share(long part, long whole) =>
        whole == 0 ? "n/a" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}
