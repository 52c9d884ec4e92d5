using System.Buffers;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Core.Audit.Export;

/// <summary>
/// Maps StepUp audit events to OCSF 1.3.0 (SPEC §7): challenge verifications to Authentication (3002),
/// <c>elevation.granted</c> to Authorize Session (3003), <c>alert.raised</c> to Detection Finding (2004),
/// every other type to Base Event (0). Every object carries the class, category, activity and type
/// ids, <c>time</c> in epoch ms, <c>severity_id</c>, <c>status_id</c>, <c>metadata</c> and, where known,
/// <c>user.uid</c> and <c>src_endpoint</c>; <c>unmapped</c> holds the whole StepUp event except
/// <c>id</c> and <c>time</c> (which are <c>metadata.uid</c> and <c>time</c>), so nothing is lost.
/// </summary>
public sealed partial class OcsfMapper
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="productVersion">StepUp's version for <c>metadata.product.version</c>; <see cref="DefaultProductVersion"/> when null.</param>
    public OcsfMapper(string? productVersion = null)
    {
        ProductVersion = string.IsNullOrEmpty(productVersion) ? DefaultProductVersion : productVersion;
    }

    /// <summary>The informational version of this StepUp build.</summary>
    public static string DefaultProductVersion { get; } =
        typeof(OcsfMapper).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OcsfMapper).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>The value written to <c>metadata.product.version</c>.</summary>
    public string ProductVersion { get; }

    /// <summary>The OCSF object of <paramref name="evt"/> (convenience for tests and tools; exports use <see cref="Write"/>).</summary>
    public JsonObject Map(AuditEvent evt)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(evt, writer);
        }

        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    /// <summary>Writes the OCSF object of <paramref name="evt"/>.</summary>
    public void Write(AuditEvent evt, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(writer);
        var fields = new EventFields(evt);
        var target = Classify(evt.Type);

        writer.WriteStartObject();
        writer.WriteNumber("class_uid", target.ClassUid);
        writer.WriteString("class_name", target.ClassName);
        writer.WriteNumber("category_uid", target.CategoryUid);
        writer.WriteString("category_name", target.CategoryName);
        writer.WriteNumber("activity_id", target.ActivityId);
        writer.WriteString("activity_name", target.ActivityId == OcsfSchema.ActivityOther ? evt.Type : target.ActivityName);
        writer.WriteNumber("type_uid", (target.ClassUid * 100L) + target.ActivityId);
        writer.WriteString("type_name", $"{target.ClassName}: {target.ActivityName}");
        writer.WriteNumber("time", AuditTime.ToUnixMilliseconds(evt.Time));

        var (severityId, severity) = Severity(fields.Severity);
        writer.WriteNumber("severity_id", severityId);
        writer.WriteString("severity", severity);

        var (statusId, status) = target.ClassUid switch
        {
            OcsfSchema.ClassDetectionFinding => (OcsfSchema.FindingStatusNew, "New"),
            OcsfSchema.ClassAuthentication => Status(fields.Outcome ?? (evt.Type == AuditEventTypes.ChallengeVerified ? "success" : "failure")),
            OcsfSchema.ClassAuthorizeSession => Status(fields.Outcome ?? "success"),
            _ => Status(fields.Outcome),
        };
        writer.WriteNumber("status_id", statusId);
        writer.WriteString("status", status);
        var detail = fields.Reason ?? DefaultStatusDetail(evt.Type);
        if (detail is not null)
        {
            writer.WriteString("status_detail", detail);
        }

        writer.WriteString("message", fields.Reason is null ? evt.Type : $"{evt.Type}: {fields.Reason}");
        WriteMetadata(writer, evt);
        if (fields.SubjectId is not null)
        {
            writer.WriteStartObject("user");
            writer.WriteString("uid", fields.SubjectId);
            writer.WriteEndObject();
        }

        WriteSourceEndpoint(writer, fields);
        switch (target.ClassUid)
        {
            case OcsfSchema.ClassAuthentication:
                WriteAuthentication(writer, fields);
                break;
            case OcsfSchema.ClassAuthorizeSession:
                WriteAuthorizeSession(writer, fields);
                break;
            case OcsfSchema.ClassDetectionFinding:
                WriteDetectionFinding(writer, evt, fields);
                break;
        }

        WriteUnmapped(writer, evt);
        writer.WriteEndObject();
    }

    private static OcsfTarget Classify(string type) => type switch
    {
        AuditEventTypes.ChallengeVerified or AuditEventTypes.ChallengeFailed or
        AuditEventTypes.ChallengeLocked or AuditEventTypes.ChallengeExpired =>
            new(OcsfSchema.ClassAuthentication, "Authentication", OcsfSchema.CategoryIam, "Identity & Access Management", OcsfSchema.ActivityLogon, "Logon"),
        AuditEventTypes.ElevationGranted =>
            new(OcsfSchema.ClassAuthorizeSession, "Authorize Session", OcsfSchema.CategoryIam, "Identity & Access Management", OcsfSchema.ActivityAssignPrivileges, "Assign Privileges"),
        AuditEventTypes.AlertRaised =>
            new(OcsfSchema.ClassDetectionFinding, "Detection Finding", OcsfSchema.CategoryFindings, "Findings", OcsfSchema.ActivityCreate, "Create"),
        _ => new(OcsfSchema.ClassBaseEvent, "Base Event", OcsfSchema.CategoryUncategorized, "Uncategorized", OcsfSchema.ActivityOther, "Other"),
    };

    /// <summary>StepUp <c>severity</c> → OCSF <c>severity_id</c> and its caption.</summary>
    internal static (int Id, string Caption) Severity(string? severity) => severity switch
    {
        null => (OcsfSchema.SeverityUnknown, "Unknown"),
        "info" or "informational" => (OcsfSchema.SeverityInformational, "Informational"),
        "low" => (OcsfSchema.SeverityLow, "Low"),
        "medium" => (OcsfSchema.SeverityMedium, "Medium"),
        "high" => (OcsfSchema.SeverityHigh, "High"),
        "critical" => (OcsfSchema.SeverityCritical, "Critical"),
        "fatal" => (OcsfSchema.SeverityFatal, "Fatal"),
        _ => (OcsfSchema.SeverityOther, severity),
    };

    /// <summary>StepUp <c>outcome</c> → OCSF event <c>status_id</c> and its caption (other outcomes, e.g. a decision's <c>step_up</c>, are 99 with the outcome as caption).</summary>
    internal static (int Id, string Caption) Status(string? outcome) => outcome switch
    {
        null => (OcsfSchema.StatusUnknown, "Unknown"),
        "success" => (OcsfSchema.StatusSuccess, "Success"),
        "failure" => (OcsfSchema.StatusFailure, "Failure"),
        _ => (OcsfSchema.StatusOther, outcome),
    };

    private static string? DefaultStatusDetail(string type) => type switch
    {
        AuditEventTypes.ChallengeLocked => "challenge_locked",
        AuditEventTypes.ChallengeExpired => "challenge_expired",
        _ => null,
    };

    private void WriteMetadata(Utf8JsonWriter writer, AuditEvent evt)
    {
        writer.WriteStartObject("metadata");
        writer.WriteString("version", OcsfSchema.Version);
        writer.WriteString("uid", evt.Id);
        writer.WriteStartObject("product");
        writer.WriteString("name", "StepUp");
        writer.WriteString("vendor_name", "StepUp");
        writer.WriteString("version", ProductVersion);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteSourceEndpoint(Utf8JsonWriter writer, EventFields fields)
    {
        var hasCoordinates = fields.Latitude is not null && fields.Longitude is not null;
        var hasLocation = hasCoordinates || fields.City is not null || fields.Country is not null;
        if (fields.Ip is null && !hasLocation)
        {
            return;
        }

        writer.WriteStartObject("src_endpoint");
        if (fields.Ip is not null)
        {
            writer.WriteString("ip", fields.Ip);
        }

        if (hasLocation)
        {
            writer.WriteStartObject("location");
            if (hasCoordinates)
            {
                // GeoJSON order, as OCSF's location.coordinates: longitude first.
                writer.WriteStartArray("coordinates");
                writer.WriteNumberValue(fields.Longitude!.Value);
                writer.WriteNumberValue(fields.Latitude!.Value);
                writer.WriteEndArray();
            }

            if (fields.City is not null)
            {
                writer.WriteString("city", fields.City);
            }

            if (fields.Country is not null)
            {
                writer.WriteString("country", fields.Country);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteUnmapped(Utf8JsonWriter writer, AuditEvent evt)
    {
        writer.WriteStartObject("unmapped");
        writer.WriteNumber(AuditFields.Seq, evt.Seq);
        writer.WriteString(AuditFields.Type, evt.Type);
        writer.WriteString(AuditFields.PrevHash, evt.PrevHash);
        writer.WriteString(AuditFields.PayloadDigest, evt.PayloadDigest);
        writer.WriteString(AuditFields.Hash, evt.Hash);
        if (evt.Erased)
        {
            writer.WriteBoolean(AuditFields.Erased, true);
        }

        foreach (var (name, value) in evt.Payload)
        {
            writer.WritePropertyName(name);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private readonly record struct OcsfTarget(int ClassUid, string ClassName, int CategoryUid, string CategoryName, int ActivityId, string ActivityName);
}
