using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.AspNetCore.Decisions;

/// <summary>Writes the decision request body, within the limits StepUp enforces (so a long user agent is cut, not refused).</summary>
internal static class DecisionJson
{
    public const int MaxUserAgentLength = 1024;
    public const int MaxTokenLength = 8192;

    private static readonly JsonSerializerOptions AttributeOptions = new(JsonSerializerDefaults.Web);

    public static ReadOnlyMemory<byte> Write(DecisionQuery query)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("subject");
            writer.WriteString("id", query.SubjectId);
            writer.WriteString("session_id", query.SessionId);
            if (query.SubjectAttributes is { Count: > 0 } subjectAttributes)
            {
                writer.WritePropertyName("attributes");
                WriteAttributes(writer, subjectAttributes);
            }

            writer.WriteEndObject();
            writer.WriteString("action", query.Action);
            if (query.Resource is { } resource)
            {
                writer.WritePropertyName("resource");
                WriteResource(writer, resource);
            }

            writer.WriteStartObject("context");
            WriteIfSet(writer, "ip", query.Ip);
            WriteIfSet(writer, "user_agent", Truncate(query.UserAgent, MaxUserAgentLength));
            WriteIfSet(writer, "device_id", query.DeviceId);
            if (query.Amr.Count > 0 || query.AuthTime is not null)
            {
                writer.WriteStartObject("auth");
                if (query.Amr.Count > 0)
                {
                    writer.WriteStartArray("amr");
                    foreach (var amr in query.Amr)
                    {
                        writer.WriteStringValue(amr);
                    }

                    writer.WriteEndArray();
                }

                if (query.AuthTime is { } authTime)
                {
                    writer.WriteNumber("auth_time", authTime);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            if (query.ElevationToken is { Length: <= MaxTokenLength } token)
            {
                writer.WriteString("elevation_token", token);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    /// <summary><c>{ type, id, attributes }</c> as StepUp reads it; the same bytes feed the local digest check.</summary>
    public static void WriteResource(Utf8JsonWriter writer, StepUpResource resource)
    {
        writer.WriteStartObject();
        WriteIfSet(writer, "type", resource.Type);
        WriteIfSet(writer, "id", resource.Id);
        writer.WritePropertyName("attributes");
        WriteAttributes(writer, resource.Attributes);
        writer.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter writer, IReadOnlyDictionary<string, object?> attributes)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in attributes)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            default:
                JsonSerializer.Serialize(writer, value, value.GetType(), AttributeOptions);
                break;
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string? Truncate(string? value, int max)
    {
        if (value is null || value.Length <= max)
        {
            return value;
        }

        // Never cut a surrogate pair in half: StepUp refuses invalid UTF-16.
        var end = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value[..end];
    }
}
