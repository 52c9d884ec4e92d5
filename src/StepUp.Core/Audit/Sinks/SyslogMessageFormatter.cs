using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Core.Audit.Sinks;

/// <summary>
/// Formats an audit event as one RFC 5424 message:
/// <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [stepup@32473 seq=… id=… hash=… …] BOM{event JSON}</c>.
/// PRI comes from the facility and the event's severity, TIMESTAMP is the event's time, MSGID its
/// type, and MSG the event exactly as exported (one JSON object, UTF-8).
/// </summary>
public sealed class SyslogMessageFormatter
{
    /// <summary>The SD-ID of StepUp's structured data element (32473 is the private enterprise number RFC 5612 reserves for examples).</summary>
    public const string SdId = "stepup@32473";

    /// <summary>The largest message sent over UDP: fits every network path without IP fragmentation issues and every receiver's default limit.</summary>
    public const int MaxUdpMessageBytes = 2048;

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly int _facility;
    private readonly string _hostAppProc;
    private readonly bool _utf8Bom;

    /// <param name="facility">0–23.</param>
    /// <param name="appName">APP-NAME, e.g. <c>stepup</c>.</param>
    /// <param name="hostname">HOSTNAME (this machine's name); null for the NILVALUE.</param>
    /// <param name="procId">PROCID (the process id); null for the NILVALUE.</param>
    /// <param name="utf8Bom">Start MSG with the UTF-8 BOM, which RFC 5424 §6.4 requires for UTF-8 text; off for receivers that choke on it.</param>
    public SyslogMessageFormatter(int facility, string? appName, string? hostname, string? procId, bool utf8Bom = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(facility);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(facility, 23);
        _facility = facility;
        _utf8Bom = utf8Bom;
        _hostAppProc = string.Join(' ',
            Rfc5424.HeaderField(hostname, Rfc5424.MaxHostnameLength),
            Rfc5424.HeaderField(appName, Rfc5424.MaxAppNameLength),
            Rfc5424.HeaderField(procId, Rfc5424.MaxProcIdLength));
    }

    /// <summary>
    /// The message bytes. When the full message exceeds <paramref name="maxBytes"/> (UDP), MSG is
    /// replaced by the event's envelope with <c>"truncated": true</c> (still valid JSON; fetch the
    /// whole event by <c>seq</c> or <c>id</c>) and the SD element says <c>truncated="true"</c>.
    /// </summary>
    public byte[] Format(AuditEvent evt, int maxBytes = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 64);
        var prefix = new StringBuilder(256);
        AppendHeader(prefix, evt);
        var headerLength = prefix.Length;
        AppendStructuredData(prefix, evt, truncated: false);
        var full = Assemble(prefix, FullJson(evt));
        if (full.Length <= maxBytes)
        {
            return full;
        }

        prefix.Length = headerLength;
        AppendStructuredData(prefix, evt, truncated: true);
        var stub = Assemble(prefix, StubJson(evt));
        return stub.Length <= maxBytes ? stub : CutAtCharBoundary(stub, maxBytes);
    }

    private void AppendHeader(StringBuilder builder, AuditEvent evt)
    {
        var severity = Rfc5424.SeverityOf(evt.Erased ? null : Text(evt.Payload["severity"]));
        builder.Append('<').Append(Rfc5424.Priority(_facility, severity).ToString(CultureInfo.InvariantCulture)).Append(">1 ")
            .Append(evt.TimeText).Append(' ')
            .Append(_hostAppProc).Append(' ')
            .Append(Rfc5424.MsgId(evt.Type)).Append(' ');
    }

    private static void AppendStructuredData(StringBuilder builder, AuditEvent evt, bool truncated)
    {
        builder.Append('[').Append(SdId);
        Param(builder, "seq", evt.Seq.ToString(CultureInfo.InvariantCulture));
        Param(builder, "id", evt.Id);
        Param(builder, "hash", evt.Hash);
        if (evt.Erased)
        {
            Param(builder, "erased", "true");
        }
        else if (!truncated)
        {
            Param(builder, "app", Text(evt.Payload["app"]));
            Param(builder, "outcome", Text(evt.Payload["outcome"]));
            Param(builder, "subject", Text((evt.Payload["subject"] as JsonObject)?["id"]));
            Param(builder, "action", Text(evt.Payload["action"]));
        }

        if (truncated)
        {
            Param(builder, "truncated", "true");
        }

        builder.Append(']');
    }

    private static void Param(StringBuilder builder, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        builder.Append(' ').Append(name).Append("=\"");
        Rfc5424.AppendParamValue(builder, value);
        builder.Append('"');
    }

    private byte[] Assemble(StringBuilder prefix, ReadOnlySpan<byte> json)
    {
        prefix.Append(' ');
        var text = prefix.ToString();
        var prefixBytes = Encoding.UTF8.GetByteCount(text);
        var bomLength = _utf8Bom ? Bom.Length : 0;
        var bytes = new byte[prefixBytes + bomLength + json.Length];
        Encoding.UTF8.GetBytes(text, bytes);
        if (_utf8Bom)
        {
            Bom.CopyTo(bytes, prefixBytes);
        }

        json.CopyTo(bytes.AsSpan(prefixBytes + bomLength));
        prefix.Length--;
        return bytes;
    }

    private static ReadOnlySpan<byte> FullJson(AuditEvent evt)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            evt.WriteTo(writer);
        }

        return buffer.WrittenSpan;
    }

    private static ReadOnlySpan<byte> StubJson(AuditEvent evt)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber(AuditFields.Seq, evt.Seq);
            writer.WriteString(AuditFields.Id, evt.Id);
            writer.WriteString(AuditFields.Time, evt.TimeText);
            writer.WriteString(AuditFields.Type, evt.Type);
            writer.WriteString(AuditFields.Hash, evt.Hash);
            writer.WriteBoolean("truncated", true);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan;
    }

    /// <summary>Last resort for absurdly long ids: cut, but never inside a UTF-8 sequence.</summary>
    private static byte[] CutAtCharBoundary(byte[] bytes, int maxBytes)
    {
        var end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return bytes.AsSpan(0, end).ToArray();
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
