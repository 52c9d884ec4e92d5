using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace StepUp.Core.Audit;

/// <summary>
/// The hash chain of SPEC §7: <c>payload_digest = hex(SHA-256(JCS(payload)))</c> and
/// <c>hash = hex(SHA-256(JCS({seq, id, time, type, prev_hash, payload_digest})))</c>, lowercase hex.
/// </summary>
public static class AuditChain
{
    /// <summary>The <c>prev_hash</c> of the first event: 64 zeros.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Digest of a payload object (its RFC 8785 form).</summary>
    public static string PayloadDigest(JsonObject payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return PayloadDigest(Jcs.Canonicalize(payload));
    }

    /// <summary>Digest of payload bytes that are already canonical (as the appender stores them).</summary>
    public static string PayloadDigest(ReadOnlySpan<byte> canonicalPayload) =>
        Convert.ToHexStringLower(SHA256.HashData(canonicalPayload));

    /// <summary>The event hash over the canonical six-field envelope object.</summary>
    public static string Hash(long seq, string id, DateTimeOffset time, string type, string prevHash, string payloadDigest)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteEnvelope(buffer, seq, id, AuditTime.ToText(time), type, prevHash, payloadDigest);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>The hash <paramref name="evt"/> should carry, recomputed from its other envelope fields.</summary>
    public static string Hash(AuditEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return Hash(evt.Seq, evt.Id, evt.Time, evt.Type, evt.PrevHash, evt.PayloadDigest);
    }

    // JCS of {seq, id, time, type, prev_hash, payload_digest}, written directly: the members are
    // fixed, so their RFC 8785 order is too (id, payload_digest, prev_hash, seq, time, type).
    private static void WriteEnvelope(ArrayBufferWriter<byte> output, long seq, string id, string time, string type, string prevHash, string payloadDigest)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(prevHash);
        ArgumentNullException.ThrowIfNull(payloadDigest);
        Write("{\"id\":"u8, output);
        Jcs.WriteString(id, output);
        Write(",\"payload_digest\":"u8, output);
        Jcs.WriteString(payloadDigest, output);
        Write(",\"prev_hash\":"u8, output);
        Jcs.WriteString(prevHash, output);
        Write(",\"seq\":"u8, output);
        var span = output.GetSpan(20);
        seq.TryFormat(span, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(written);
        Write(",\"time\":"u8, output);
        Jcs.WriteString(time, output);
        Write(",\"type\":"u8, output);
        Jcs.WriteString(type, output);
        Write("}"u8, output);
    }

    private static void Write(ReadOnlySpan<byte> bytes, ArrayBufferWriter<byte> output)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
