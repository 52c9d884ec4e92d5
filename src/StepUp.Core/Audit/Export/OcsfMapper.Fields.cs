using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Core.Audit.Export;

// The StepUp payload fields the mapping reads, each null when absent or of another JSON type.
public sealed partial class OcsfMapper
{
    private readonly struct EventFields
    {
        public EventFields(AuditEvent evt)
        {
            var payload = evt.Payload;
            var subject = payload["subject"] as JsonObject;
            var context = payload["context"] as JsonObject;
            var geo = context?["geo"] as JsonObject;
            var challenge = payload["challenge"] as JsonObject;
            var elevation = payload["elevation"] as JsonObject;
            var alert = payload["alert"] as JsonObject;

            Outcome = Text(payload["outcome"]);
            Severity = Text(payload["severity"]);
            Reason = Text(payload["reason"]);
            App = Text(payload["app"]);
            SubjectId = Text(subject?["id"]);
            SessionId = Text(subject?["session_id"]) ?? Text(elevation?["session_id"]);
            Action = Text(payload["action"]) ?? Text(elevation?["action"]);
            Ip = Text(context?["ip"]);
            UserAgent = Text(context?["user_agent"]);
            City = Text(geo?["city"]);
            Country = Text(geo?["country"]);
            Latitude = Number(geo?["latitude"]);
            Longitude = Number(geo?["longitude"]);
            Method = Text(challenge?["method"]) ?? Text(payload["method"]);
            SessionExpires = AuditTime.TryParse(Text(elevation?["expires_at"]), out var expires) ? expires : null;
            AlertId = Text(alert?["id"]) ?? Text(payload["alert_id"]);
            AlertTitle = Text(alert?["title"]) ?? Text(payload["title"]);
            Detector = Text(alert?["detector"]) ?? Text(payload["detector"]);
            AlertKey = Text(alert?["key"]) ?? Text(payload["key"]);
        }

        public string? Outcome { get; }
        public string? Severity { get; }
        public string? Reason { get; }
        public string? App { get; }
        public string? SubjectId { get; }
        public string? SessionId { get; }
        public string? Action { get; }
        public string? Ip { get; }
        public string? UserAgent { get; }
        public string? City { get; }
        public string? Country { get; }
        public double? Latitude { get; }
        public double? Longitude { get; }
        public string? Method { get; }
        public DateTimeOffset? SessionExpires { get; }
        public string? AlertId { get; }
        public string? AlertTitle { get; }
        public string? Detector { get; }
        public string? AlertKey { get; }

        private static string? Text(JsonNode? node) =>
            node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

        private static double? Number(JsonNode? node) =>
            node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number) && double.IsFinite(number)
                ? number
                : null;
    }
}
