using System.Text.Json;

namespace StepUp.Core.Audit.Export;

// The class-specific attributes of Authentication, Authorize Session and Detection Finding.
public sealed partial class OcsfMapper
{
    private static void WriteAuthentication(Utf8JsonWriter writer, EventFields fields)
    {
        if (fields.Method is not null)
        {
            // TOTP, WebAuthn and recovery codes have no auth_protocol_id of their own: 99 (Other) + the name.
            writer.WriteNumber("auth_protocol_id", OcsfSchema.AuthProtocolOther);
            writer.WriteString("auth_protocol", fields.Method);
        }

        // Authentication needs service or dst_endpoint: the service is the app that asked for the step-up.
        writer.WriteStartObject("service");
        writer.WriteString("name", fields.App ?? "StepUp");
        writer.WriteEndObject();
        WriteSession(writer, fields);
        if (fields.UserAgent is not null)
        {
            writer.WriteStartObject("http_request");
            writer.WriteString("user_agent", fields.UserAgent);
            writer.WriteEndObject();
        }
    }

    private static void WriteAuthorizeSession(Utf8JsonWriter writer, EventFields fields)
    {
        if (fields.Action is not null)
        {
            writer.WriteStartArray("privileges");
            writer.WriteStringValue(fields.Action);
            writer.WriteEndArray();
        }

        WriteSession(writer, fields);
    }

    private static void WriteDetectionFinding(Utf8JsonWriter writer, AuditEvent evt, EventFields fields)
    {
        writer.WriteStartObject("finding_info");
        writer.WriteString("uid", fields.AlertId ?? evt.Id);
        writer.WriteString("title", fields.AlertTitle ?? AlertTitle(fields.Detector, fields.AlertKey));
        writer.WriteNumber("created_time", AuditTime.ToUnixMilliseconds(evt.Time));
        if (fields.Detector is not null)
        {
            writer.WriteStartArray("types");
            writer.WriteStringValue(fields.Detector);
            writer.WriteEndArray();
            writer.WriteStartObject("analytic");
            writer.WriteString("name", fields.Detector);
            writer.WriteNumber("type_id", OcsfSchema.AnalyticTypeRule);
            writer.WriteString("type", "Rule");
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static string AlertTitle(string? detector, string? key) => (detector, key) switch
    {
        (null, _) => "StepUp alert",
        (_, null) => $"StepUp alert: {detector}",
        _ => $"StepUp alert: {detector} ({key})",
    };

    private static void WriteSession(Utf8JsonWriter writer, EventFields fields)
    {
        if (fields.SessionId is null)
        {
            return;
        }

        writer.WriteStartObject("session");
        writer.WriteString("uid", fields.SessionId);
        if (fields.SessionExpires is { } expires)
        {
            // An elevation's expiry is when the privileges it assigned to the session lapse.
            writer.WriteNumber("expiration_time", AuditTime.ToUnixMilliseconds(expires));
        }

        writer.WriteEndObject();
    }
}
