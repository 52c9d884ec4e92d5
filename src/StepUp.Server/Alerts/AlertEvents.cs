using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Monitoring;
using StepUp.Core.Policy;
using StepUp.Core.Security;

namespace StepUp.Server.Alerts;

/// <summary>The <c>alert.raised</c> and <c>alert.delivery</c> audit events (SPEC §5, §7).</summary>
internal static class AlertEvents
{
    /// <summary>
    /// <c>alert.raised</c>: <c>alert { id, detector, key, title, count, threshold, window, baseline? }</c>,
    /// plus the app, subject and IP it is about when there are some.
    /// </summary>
    public static AuditEventDraft Raised(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var payload = new JsonObject
        {
            ["outcome"] = "failure",
            ["severity"] = alert.Detector is Detectors.FailureSpike or Detectors.TriggerSpike ? "medium" : "high",
        };
        if (alert.App is not null) payload["app"] = alert.App;
        if (alert.SubjectId is not null) payload["subject"] = new JsonObject { ["id"] = alert.SubjectId };
        if (alert.Ip is not null) payload["context"] = new JsonObject { ["ip"] = alert.Ip };
        var details = new JsonObject
        {
            ["id"] = "al_" + RandomTokens.UrlSafe(15),
            ["detector"] = alert.Detector,
            ["key"] = alert.SubjectId ?? alert.Key,
            ["title"] = alert.Title,
            ["count"] = alert.Count,
            ["threshold"] = alert.Threshold,
            ["window"] = Durations.Format(alert.Window),
        };
        if (alert.Baseline is { } baseline)
        {
            details["baseline"] = baseline;
        }

        payload["alert"] = details;
        payload["reason"] = alert.Detector;
        return new AuditEventDraft { Type = AuditEventTypes.AlertRaised, Payload = payload };
    }

    /// <summary><c>alert.delivery</c>: one webhook attempt for one alert and how it went.</summary>
    public static AuditEventDraft Delivery(AuditEvent raised, string webhook, int attempt, string? error)
    {
        ArgumentNullException.ThrowIfNull(raised);
        var alert = raised.Payload["alert"] as JsonObject;
        var payload = new JsonObject
        {
            ["outcome"] = error is null ? "success" : "failure",
            ["severity"] = error is null ? "info" : "low",
            ["alert"] = new JsonObject
            {
                ["id"] = alert?["id"]?.GetValue<string>(),
                ["detector"] = alert?["detector"]?.GetValue<string>(),
                ["seq"] = raised.Seq,
            },
            ["delivery"] = new JsonObject { ["webhook"] = webhook, ["attempt"] = attempt },
        };
        if (error is not null)
        {
            payload["reason"] = error;
        }

        return new AuditEventDraft { Type = AuditEventTypes.AlertDelivery, Payload = payload };
    }
}
