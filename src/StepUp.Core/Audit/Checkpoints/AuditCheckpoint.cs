using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Core.Audit.Checkpoints;

/// <summary>
/// What a checkpoint signs (SPEC §7): "the chain up to <see cref="Seq"/> ends in <see cref="Hash"/>",
/// as of <see cref="Time"/>. The JWS payload is the RFC 8785 form of <c>{ "seq", "hash", "time" }</c>;
/// the <c>audit.checkpoint</c> event carries it as <c>checkpoint_seq</c>, <c>checkpoint_hash</c> and <c>jws</c>.
/// </summary>
/// <param name="Seq">The seq of the last event the checkpoint covers.</param>
/// <param name="Hash">That event's hash.</param>
/// <param name="Time">When the checkpoint was signed (UTC, millisecond precision).</param>
public sealed record AuditCheckpoint(long Seq, string Hash, DateTimeOffset Time)
{
    /// <summary>Payload member: the covered seq.</summary>
    public const string SeqField = "checkpoint_seq";

    /// <summary>Payload member: the covered hash.</summary>
    public const string HashField = "checkpoint_hash";

    /// <summary>Payload member: the compact JWS.</summary>
    public const string JwsField = "jws";

    private readonly DateTimeOffset _time = AuditTime.Truncate(Time);

    /// <summary>When the checkpoint was signed.</summary>
    public DateTimeOffset Time { get => _time; init => _time = AuditTime.Truncate(value); }

    /// <summary>The JWS payload: RFC 8785 bytes of <c>{ "hash", "seq", "time" }</c>.</summary>
    public byte[] ToJwsPayload() => Jcs.Canonicalize(new JsonObject
    {
        ["seq"] = Seq,
        ["hash"] = Hash,
        ["time"] = AuditTime.ToText(Time),
    });

    /// <summary>The payload of the <c>audit.checkpoint</c> event that carries <paramref name="jws"/>.</summary>
    public JsonObject ToEventPayload(string jws)
    {
        ArgumentException.ThrowIfNullOrEmpty(jws);
        // Members in RFC 8785 order, so the event reads the same in memory, in the store and in exports.
        return new JsonObject
        {
            [HashField] = Hash,
            [SeqField] = Seq,
            [JwsField] = jws,
        };
    }

    /// <summary>Reads a JWS payload; false unless it is exactly <c>{ seq: integer ≥ 0, hash: string, time: audit time }</c>.</summary>
    public static bool TryParseJwsPayload(ReadOnlySpan<byte> payload, [NotNullWhen(true)] out AuditCheckpoint? checkpoint)
    {
        checkpoint = null;
        JsonObject? obj;
        try
        {
            obj = JsonNode.Parse(payload, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 4 }) as JsonObject;
        }
        catch (JsonException)
        {
            // Not JSON: the caller reports a checkpoint that does not say what it signs.
            return false;
        }

        if (obj is not { Count: 3 } || !TryInteger(obj["seq"], out var seq) || Text(obj["hash"]) is not { Length: > 0 } hash ||
            !AuditTime.TryParse(Text(obj["time"]), out var time))
        {
            return false;
        }

        checkpoint = new AuditCheckpoint(seq, hash, time);
        return true;
    }

    /// <summary>Reads the <c>checkpoint_seq</c>, <c>checkpoint_hash</c> and <c>jws</c> of an <c>audit.checkpoint</c> payload.</summary>
    public static bool TryReadEventPayload(JsonObject payload, out long seq, [NotNullWhen(true)] out string? hash, [NotNullWhen(true)] out string? jws)
    {
        ArgumentNullException.ThrowIfNull(payload);
        hash = Text(payload[HashField]);
        jws = Text(payload[JwsField]);
        if (!TryInteger(payload[SeqField], out seq) || hash is null || jws is null)
        {
            hash = null;
            jws = null;
            return false;
        }

        return true;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool TryInteger(JsonNode? node, out long value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (v.TryGetValue<long>(out value) || (v.TryGetValue<JsonElement>(out var element) && element.TryGetInt64(out value)))
        {
            return value >= 0;
        }

        if (v.TryGetValue<int>(out var i))
        {
            value = i;
            return value >= 0;
        }

        return false;
    }
}
