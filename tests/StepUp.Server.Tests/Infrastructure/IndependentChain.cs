using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Server.Tests.Infrastructure;

/// <summary>
/// A second, test-only implementation of the SPEC §7 hash chain (RFC 8785 canonical JSON, written
/// here from the RFC, not shared with the server) to check the server's digests and hashes.
/// </summary>
public static class IndependentChain
{
    private static readonly string[] Envelope = ["seq", "id", "time", "type", "prev_hash", "payload_digest", "hash"];

    public static string PayloadDigest(JsonObject evt)
    {
        var payload = new JsonObject();
        foreach (var (key, value) in evt)
        {
            if (!Envelope.Contains(key))
            {
                payload[key] = value?.DeepClone();
            }
        }

        return Sha256Hex(Canonical(payload));
    }

    public static string Hash(JsonObject evt)
    {
        var envelope = new JsonObject
        {
            ["seq"] = evt["seq"]!.GetValue<long>(),
            ["id"] = evt["id"]!.GetValue<string>(),
            ["time"] = evt["time"]!.GetValue<string>(),
            ["type"] = evt["type"]!.GetValue<string>(),
            ["prev_hash"] = evt["prev_hash"]!.GetValue<string>(),
            ["payload_digest"] = evt["payload_digest"]!.GetValue<string>(),
        };
        return Sha256Hex(Canonical(envelope));
    }

    private static string Sha256Hex(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    public static string Canonical(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, value);
                }

                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Write(sb, array[i]);
                }

                sb.Append(']');
                break;
            default:
                var element = JsonDocument.Parse(node.ToJsonString()).RootElement;
                switch (element.ValueKind)
                {
                    case JsonValueKind.String: WriteString(sb, element.GetString()!); break;
                    case JsonValueKind.True: sb.Append("true"); break;
                    case JsonValueKind.False: sb.Append("false"); break;
                    case JsonValueKind.Number: sb.Append(Number(element.GetDouble())); break;
                    default: sb.Append("null"); break;
                }

                break;
        }
    }

    private static string Number(double d)
    {
        if (d == Math.Floor(d) && Math.Abs(d) < 1e21)
        {
            return ((decimal)d).ToString(CultureInfo.InvariantCulture);
        }

        return d.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e+", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }

        sb.Append('"');
    }
}
