using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Core.Audit;

/// <summary>
/// One stored audit event: the hash-chained envelope (<c>seq, id, time, type, prev_hash,
/// payload_digest, hash</c>) and the payload it covers by digest. An erased event keeps the
/// envelope and drops the payload. Treat <see cref="Payload"/> as read-only once appended.
/// </summary>
public sealed class AuditEvent
{
    private static readonly JsonWriterOptions ExportWriterOptions = new()
    {
        // Export lines keep non-ASCII text as UTF-8; HTML contexts encode on their own (SPEC §7 safe output).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false, MaxDepth = 128 };

    private readonly DateTimeOffset _time;

    /// <summary>Position in the chain: starts at 1, no gaps.</summary>
    public required long Seq { get; init; }

    /// <summary>Event id (a ULID, or the caller's id such as a <c>decision_id</c>).</summary>
    public required string Id { get; init; }

    /// <summary>When the event was appended, UTC, millisecond precision.</summary>
    public required DateTimeOffset Time { get => _time; init => _time = AuditTime.Truncate(value); }

    /// <summary>Event type, e.g. <c>decision.evaluated</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Hash of the previous event (64 zeros for the first).</summary>
    public required string PrevHash { get; init; }

    /// <summary>Lowercase hex SHA-256 of the payload's RFC 8785 form.</summary>
    public required string PayloadDigest { get; init; }

    /// <summary>Lowercase hex SHA-256 of the canonical envelope (see <see cref="AuditChain.Hash(long, string, DateTimeOffset, string, string, string)"/>).</summary>
    public required string Hash { get; init; }

    /// <summary>How <see cref="Payload"/> parses <see cref="StoredPayloadUtf8"/> (readers that skip the node tree use the same).</summary>
    internal static readonly System.Text.Json.JsonDocumentOptions StoredPayloadOptions = new() { AllowDuplicateProperties = false, MaxDepth = 128 };

    private JsonObject? _payload;

    /// <summary>
    /// Every non-envelope field; empty when <see cref="Erased"/>. An event read from a store parses
    /// its <see cref="StoredPayloadUtf8"/> on first use (verification rarely needs it).
    /// </summary>
    /// <exception cref="AuditEventFormatException">The stored payload is not a JSON object.</exception>
    public JsonObject Payload
    {
        get => _payload ??= ParseStoredPayload();
        init => _payload = value;
    }

    /// <summary>True when the payload was erased (privacy request, retention); the envelope still verifies.</summary>
    public bool Erased { get; init; }

    /// <summary>
    /// The payload exactly as stored (the UTF-8 bytes of its RFC 8785 text), when read from a store:
    /// verification hashes these bytes instead of re-canonicalising <see cref="Payload"/>, and readers
    /// parse them without a detour through a string. Any other bytes, even the same JSON spelled
    /// differently, fail the digest, as they should.
    /// </summary>
#pragma warning disable CA1819 // the stored bytes as read; copying them would defeat the purpose
    public byte[]? StoredPayloadUtf8 { get; init; }
#pragma warning restore CA1819

    private JsonObject ParseStoredPayload()
    {
        if (StoredPayloadUtf8 is null)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(StoredPayloadUtf8, documentOptions: StoredPayloadOptions) as JsonObject
                ?? throw new AuditEventFormatException($"Audit event {Seq} has a payload that is not a JSON object.") { Seq = Seq };
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new AuditEventFormatException($"Audit event {Seq} has a payload that is not valid JSON.", ex) { Seq = Seq };
        }
    }

    /// <summary>The canonical text of <see cref="Time"/>.</summary>
    public string TimeText => AuditTime.ToText(_time);

    /// <summary>Writes the SPEC §7 object: envelope fields, then payload fields at top level (or <c>"erased": true</c>).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber(AuditFields.Seq, Seq);
        writer.WriteString(AuditFields.Id, Id);
        writer.WriteString(AuditFields.Time, TimeText);
        writer.WriteString(AuditFields.Type, Type);
        writer.WriteString(AuditFields.PrevHash, PrevHash);
        writer.WriteString(AuditFields.PayloadDigest, PayloadDigest);
        writer.WriteString(AuditFields.Hash, Hash);
        if (Erased)
        {
            writer.WriteBoolean(AuditFields.Erased, true);
        }
        else
        {
            foreach (var (name, value) in Payload)
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
        }

        writer.WriteEndObject();
    }

    /// <summary>The event as one JSON line (no trailing newline), as stored and exported in <c>jsonl</c>.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, ExportWriterOptions))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads one exported event line (offline verification).</summary>
    /// <exception cref="AuditEventFormatException">Not a JSON object with a well-typed envelope.</exception>
    public static AuditEvent Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: ParseOptions) as JsonObject
                ?? throw new AuditEventFormatException("An audit event must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new AuditEventFormatException("An audit event line is not valid JSON.", ex);
        }

        return FromJsonObject(root);
    }

    /// <summary>Builds an event from its SPEC §7 object; the object's payload members move into <see cref="Payload"/>.</summary>
    /// <exception cref="AuditEventFormatException">A missing or mistyped envelope field.</exception>
    public static AuditEvent FromJsonObject(JsonObject root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var seq = ReadSeq(root);
        var erased = false;
        if (root.TryGetPropertyValue(AuditFields.Erased, out var erasedNode))
        {
            if (erasedNode is not JsonValue v || v.GetValueKind() != JsonValueKind.True)
            {
                throw new AuditEventFormatException("\"erased\" must be true when present.") { Seq = seq };
            }

            erased = true;
        }

        var timeText = ReadString(root, AuditFields.Time, seq);
        if (!AuditTime.TryParse(timeText, out var time))
        {
            throw new AuditEventFormatException($"\"time\" must be {AuditTime.Format} UTC.") { Seq = seq };
        }

        var evt = new AuditEvent
        {
            Seq = seq,
            Id = ReadString(root, AuditFields.Id, seq),
            Time = time,
            Type = ReadString(root, AuditFields.Type, seq),
            PrevHash = ReadString(root, AuditFields.PrevHash, seq),
            PayloadDigest = ReadString(root, AuditFields.PayloadDigest, seq),
            Hash = ReadString(root, AuditFields.Hash, seq),
            Erased = erased,
            Payload = root,
        };

        foreach (var name in (string[])[AuditFields.Seq, AuditFields.Id, AuditFields.Time, AuditFields.Type,
                     AuditFields.PrevHash, AuditFields.PayloadDigest, AuditFields.Hash, AuditFields.Erased])
        {
            root.Remove(name);
        }

        if (erased && root.Count > 0)
        {
            throw new AuditEventFormatException("An erased event carries no payload fields.") { Seq = seq };
        }

        return evt;
    }

    private static long ReadSeq(JsonObject root)
    {
        if (root[AuditFields.Seq] is JsonValue v && v.GetValueKind() == JsonValueKind.Number &&
            v.TryGetValue<JsonElement>(out var element) && element.TryGetInt64(out var seq) && seq >= 1)
        {
            return seq;
        }

        if (root[AuditFields.Seq] is JsonValue clr && clr.TryGetValue<long>(out var clrSeq) && clrSeq >= 1)
        {
            return clrSeq;
        }

        throw new AuditEventFormatException("\"seq\" must be an integer >= 1.");
    }

    private static string ReadString(JsonObject root, string name, long seq)
    {
        if (root[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String &&
            v.GetValue<string>() is { Length: > 0 } text)
        {
            return text;
        }

        throw new AuditEventFormatException($"\"{name}\" must be a non-empty string.") { Seq = seq };
    }
}
