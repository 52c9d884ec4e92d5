using System.Globalization;
using System.Text;
using StepUp.Core.Audit;

namespace StepUp.Core.Reports;

/// <summary>The list sections of the report: policy history and the sampled chain proof.</summary>
public static partial class Soc2Report
{
    private static void RenderPolicyHistory(StringBuilder html, ComplianceEvidence evidence)
    {
        var changes = evidence.PolicyChanges;
        html.Append("<h3>Policy change history</h3>\n");
        if (changes.Count == 0)
        {
            html.Append("<p id=\"policy-history-empty\">No policy was loaded or rejected in the window.</p>\n");
            return;
        }

        html.Append("<table id=\"policy-history\"><tr><th>seq</th><th>time</th><th>event</th><th>version</th><th>previous version</th></tr>");
        foreach (var change in changes)
        {
            html.Append("<tr><td class=\"n\">").Append(change.Seq.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(Encode(AuditTime.ToText(change.Time))).Append("</td><td>").Append(Encode(change.Type)).Append("</td><td><code>")
                .Append(Encode(change.Version ?? "-")).Append("</code></td><td><code>").Append(Encode(change.PreviousVersion ?? "-")).Append("</code></td></tr>");
        }

        html.Append("</table>\n");
        var unlisted = evidence.PoliciesLoaded + evidence.PoliciesRejected - changes.Count;
        if (unlisted > 0)
        {
            html.Append("<p>The first ").Append(changes.Count.ToString(CultureInfo.InvariantCulture))
                .Append(" policy events are listed; <span id=\"policy-history-unlisted\">")
                .Append(unlisted.ToString(CultureInfo.InvariantCulture)).Append("</span> more are in the window (see an export).</p>\n");
        }
    }

    private static void RenderSample(StringBuilder html, Soc2ReportInput input)
    {
        html.Append("<h2 id=\"sample\">Sampled events and their chain proof</h2>\n<p>Up to ")
            .Append(EvidenceSample.DefaultSize.ToString(CultureInfo.InvariantCulture))
            .Append(" events drawn uniformly from the window's events, read in seq order (reservoir sampling), with seed <code id=\"sample-seed\">")
            .Append(input.Seed.ToString(CultureInfo.InvariantCulture))
            .Append("</code> (pass <code>--seed</code> to draw the same sample again). Each row can be checked against an export: ")
            .Append("hash = SHA-256 of the JCS envelope {seq, id, time, type, prev_hash, payload_digest}.</p>\n")
            .Append("<table id=\"sample-events\"><tr><th>seq</th><th>time</th><th>type</th><th>prev_hash</th><th>payload_digest</th><th>hash</th></tr>");
        foreach (var evt in input.Sample)
        {
            html.Append("<tr><td class=\"n\">").Append(evt.Seq.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(Encode(evt.TimeText)).Append("</td><td>").Append(Encode(evt.Type)).Append("</td><td><code>")
                .Append(Encode(evt.PrevHash)).Append("</code></td><td><code>").Append(Encode(evt.PayloadDigest)).Append("</code></td><td><code>")
                .Append(Encode(evt.Hash)).Append("</code></td></tr>");
        }

        html.Append("</table>\n");
    }
}
