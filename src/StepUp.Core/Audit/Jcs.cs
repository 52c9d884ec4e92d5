using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Core.Audit;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme over <see cref="JsonNode"/>: members sorted by UTF-16
/// code units, ECMAScript number serialisation, minimal string escaping, UTF-8 output. The audit
/// hash chain hashes these bytes, so every verifier has to produce exactly the same ones.
/// </summary>
/// <remarks>
/// Integers held as 64-bit integers (CLR integer values, or JSON integer literals that fit in a
/// <see cref="long"/>) are written with all their digits. Inside I-JSON's safe range (±2^53) this
/// is what ECMAScript prints too; beyond it, StepUp keeps the exact digits so a payload survives a
/// store/parse round trip unchanged.
/// </remarks>
public static partial class Jcs
{
    private const int MaxDepth = 128;

    // Lone surrogates are not Unicode text; RFC 8785 requires them to be refused, not replaced.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The canonical UTF-8 bytes of <paramref name="node"/> (<c>null</c> is the JSON literal).</summary>
    /// <exception cref="ArgumentException">The value has no canonical form (NaN, infinity, a lone surrogate, nesting deeper than 128).</exception>
    public static byte[] Canonicalize(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(node, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The canonical form as a string (for display and tests; hash the bytes).</summary>
    public static string CanonicalizeToString(JsonNode? node) => Encoding.UTF8.GetString(Canonicalize(node));

    /// <summary>Writes the canonical UTF-8 bytes of <paramref name="node"/> to <paramref name="output"/>.</summary>
    public static void Write(JsonNode? node, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteNode(node, output, 0);
    }

    private static void WriteNode(JsonNode? node, IBufferWriter<byte> output, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"JSON nesting is deeper than {MaxDepth} levels.", nameof(node));
        }

        switch (node)
        {
            case null:
                WriteAscii("null", output);
                break;
            case JsonObject obj:
                WriteObject(obj, output, depth);
                break;
            case JsonArray array:
                WriteByte((byte)'[', output);
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        WriteByte((byte)',', output);
                    }

                    WriteNode(array[i], output, depth + 1);
                }

                WriteByte((byte)']', output);
                break;
            case JsonValue value:
                WriteValue(value, output, depth);
                break;
            default:
                throw new ArgumentException($"Unsupported JSON node type {node.GetType().Name}.", nameof(node));
        }
    }

    private static void WriteObject(JsonObject obj, IBufferWriter<byte> output, int depth)
    {
        var count = obj.Count;
        if (count == 0)
        {
            WriteAscii("{}", output);
            return;
        }

        var members = ArrayPool<KeyValuePair<string, JsonNode?>>.Shared.Rent(count);
        try
        {
            ((ICollection<KeyValuePair<string, JsonNode?>>)obj).CopyTo(members, 0);
            // Ordinal comparison of .NET strings is exactly RFC 8785's UTF-16 code-unit order.
            Array.Sort(members, 0, count, MemberNameComparer.Instance);
            WriteByte((byte)'{', output);
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    WriteByte((byte)',', output);
                }

                WriteString(members[i].Key, output);
                WriteByte((byte)':', output);
                WriteNode(members[i].Value, output, depth + 1);
            }

            WriteByte((byte)'}', output);
        }
        finally
        {
            Array.Clear(members, 0, count);
            ArrayPool<KeyValuePair<string, JsonNode?>>.Shared.Return(members);
        }
    }

    private static void WriteValue(JsonValue value, IBufferWriter<byte> output, int depth)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.Null:
                WriteAscii("null", output);
                break;
            case JsonValueKind.True:
                WriteAscii("true", output);
                break;
            case JsonValueKind.False:
                WriteAscii("false", output);
                break;
            case JsonValueKind.String:
                WriteString(ReadString(value), output);
                break;
            case JsonValueKind.Number:
                WriteNumber(value, output);
                break;
            case JsonValueKind.Object:
            case JsonValueKind.Array:
                // A JsonValue wrapping a structured JsonElement: canonicalise it as a node tree.
                WriteNode(JsonNode.Parse(value.ToJsonString()), output, depth);
                break;
            default:
                throw new ArgumentException("Undefined JSON value.", nameof(value));
        }
    }

    private static void WriteNumber(JsonValue value, IBufferWriter<byte> output)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            WriteNumber(element, output);
        }
        else if (value.TryGetValue<long>(out var l))
        {
            WriteInt64(l, output);
        }
        else if (value.TryGetValue<int>(out var i))
        {
            WriteInt64(i, output);
        }
        else if (value.TryGetValue<double>(out var d))
        {
            WriteDouble(d, output);
        }
        else if (value.TryGetValue<decimal>(out var m))
        {
            WriteDouble((double)m, output);
        }
        else if (value.TryGetValue<float>(out var f))
        {
            // The float's own shortest text, so 0.1f stays 0.1 rather than 0.10000000149011612.
            WriteDouble(double.Parse(f.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture), output);
        }
        else if (value.TryGetValue<ulong>(out var ul) && ul > long.MaxValue)
        {
            WriteAscii(ul.ToString(System.Globalization.CultureInfo.InvariantCulture), output);
        }
        else
        {
            // Other CLR numeric types (short, byte, uint, ...): go through their JSON text.
            WriteNumber(ReadAsElement(value), output);
        }
    }

    private static void WriteNumber(JsonElement element, IBufferWriter<byte> output)
    {
        if (element.TryGetInt64(out var l))
        {
            WriteInt64(l, output);
        }
        else if (element.TryGetUInt64(out var ul))
        {
            WriteAscii(ul.ToString(System.Globalization.CultureInfo.InvariantCulture), output);
        }
        else
        {
            WriteDouble(element.GetDouble(), output);
        }
    }

    private static string ReadString(JsonValue value)
    {
        try
        {
            return value.TryGetValue<string>(out var text) ? text : ReadAsElement(value).GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // Parsed JSON may carry an escaped lone surrogate ("\ud800"), which has no canonical form.
            throw new ArgumentException("JSON text contains a lone surrogate; RFC 8785 requires valid Unicode.", nameof(value), ex);
        }
    }

    private static JsonElement ReadAsElement(JsonValue value)
    {
        using var doc = JsonDocument.Parse(value.ToJsonString());
        return doc.RootElement.Clone();
    }

    private static void WriteInt64(long value, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void WriteByte(byte b, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }

    private static void WriteAscii(ReadOnlySpan<char> text, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(text.Length);
    }

    private sealed class MemberNameComparer : IComparer<KeyValuePair<string, JsonNode?>>
    {
        public static readonly MemberNameComparer Instance = new();

        public int Compare(KeyValuePair<string, JsonNode?> x, KeyValuePair<string, JsonNode?> y) =>
            string.CompareOrdinal(x.Key, y.Key);
    }
}
