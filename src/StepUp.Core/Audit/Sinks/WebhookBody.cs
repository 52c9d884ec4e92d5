using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StepUp.Core.Audit.Sinks;

/// <summary>The body of an audit webhook POST: <c>{ "events": [ … ] }</c>, each event exactly as exported, oldest first.</summary>
public static class WebhookBody
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The UTF-8 JSON body for <paramref name="events"/>.</summary>
    public static byte[] Create(IReadOnlyList<AuditEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var buffer = new ArrayBufferWriter<byte>(512 * Math.Max(1, events.Count));
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("events");
            foreach (var evt in events)
            {
                evt.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The body of an alert webhook POST: the one <c>alert.raised</c> event, exactly as exported.</summary>
    public static byte[] CreateSingle(AuditEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            evt.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
