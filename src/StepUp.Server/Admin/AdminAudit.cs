using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Storage;

namespace StepUp.Server.Admin;

/// <summary>
/// <c>admin.action</c> events: every sign-in (and refused sign-in), sign-out, validation,
/// simulation, report and export from the dashboard, with the key and the admin's subject.
/// Changes the API also records (an unlock) carry the same actor in their own event.
/// </summary>
internal sealed class AdminAudit(IAuditAppender audit)
{
    public Task RecordAsync(string action, string outcome, string app, string? keyId, string? subject, string? sessionId, CancellationToken cancellationToken,
        JsonObject? details = null)
    {
        var payload = new JsonObject
        {
            ["outcome"] = outcome,
            ["severity"] = outcome == "success" ? "info" : "medium",
            ["app"] = app,
            ["action"] = action,
        };
        if (subject is not null)
        {
            payload["subject"] = sessionId is null
                ? new JsonObject { ["id"] = subject }
                : new JsonObject { ["id"] = subject, ["session_id"] = sessionId };
        }

        if (keyId is not null)
        {
            payload["actor"] = new JsonObject { ["key_id"] = keyId, ["via"] = "dashboard" };
        }

        if (details is not null)
        {
            payload["details"] = details;
        }

        return audit.AppendAsync(new AuditEventDraft { Type = AuditEventTypes.AdminAction, Payload = payload }, cancellationToken);
    }

    public Task RecordAsync(AdminSession session, string action, CancellationToken cancellationToken, JsonObject? details = null, string outcome = "success") =>
        RecordAsync(action, outcome, session.Caller.App, session.Caller.KeyId, session.Subject, session.Id, cancellationToken, details);
}
