using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Text;
using System.Text.Unicode;

namespace StepUp.Core.GeoIp;

/// <summary>
/// Decodes a whole data-section value into a plain immutable object graph:
/// map → <see cref="IReadOnlyDictionary{TKey, TValue}"/> of string to object (ordinal keys),
/// array → <see cref="IReadOnlyList{T}"/> of object, utf8_string → <see cref="string"/>,
/// double → <see cref="double"/>, float → <see cref="float"/>, bytes → a fresh <c>byte[]</c>,
/// uint16 → <see cref="ushort"/>, uint32 → <see cref="uint"/>, int32 → <see cref="int"/>,
/// uint64 → <see cref="ulong"/>, uint128 → <see cref="System.UInt128"/>, boolean → <see cref="bool"/>.
/// Pointers are followed once; data cache containers and end markers are not values.
/// </summary>
internal static class MmdbDecoder
{
    public static object Decode(ReadOnlySpan<byte> data, int pos)
    {
        var budget = MmdbBudget.Create();
        return DecodeAt(data, pos, 0, ref budget, out _);
    }

    private static object DecodeAt(ReadOnlySpan<byte> data, int pos, int depth, ref MmdbBudget budget, out int next)
    {
        budget.TakeValue();
        var field = MmdbData.ReadControl(data, pos);
        if (field.Type != MmdbType.Pointer)
        {
            return DecodeField(data, field, depth, ref budget, out next);
        }

        next = field.Payload;
        var target = MmdbData.ReadControl(data, field.Size);
        if (target.Type == MmdbType.Pointer)
        {
            MmdbErrors.PointerToPointer(pos, field.Size);
        }

        return DecodeField(data, target, depth, ref budget, out _);
    }

    private static object DecodeField(ReadOnlySpan<byte> data, MmdbField field, int depth, ref MmdbBudget budget, out int next)
    {
        switch (field.Type)
        {
            case MmdbType.Map:
                return DecodeMap(data, field, depth, ref budget, out next);
            case MmdbType.Array:
                return DecodeArray(data, field, depth, ref budget, out next);
            case MmdbType.Boolean:
                MmdbData.CheckScalar(data, field);
                next = field.Payload;
                return field.Size == 1;
            case MmdbType.DataCacheContainer:
            case MmdbType.EndMarker:
                MmdbErrors.NotAValue(field.Type, field.Payload);
                next = 0;
                return null!;
        }

        MmdbData.CheckScalar(data, field);
        var payload = data.Slice(field.Payload, field.Size);
        next = field.Payload + field.Size;
        switch (field.Type)
        {
            case MmdbType.Utf8String:
                return DecodeString(payload, field.Payload, ref budget);
            case MmdbType.Bytes:
                budget.TakePayload(payload.Length);
                return payload.ToArray();
            case MmdbType.Double:
                return BinaryPrimitives.ReadDoubleBigEndian(payload);
            case MmdbType.Float:
                return BinaryPrimitives.ReadSingleBigEndian(payload);
            case MmdbType.UInt16:
                return (ushort)MmdbData.ReadUnsigned(payload);
            case MmdbType.UInt32:
                return (uint)MmdbData.ReadUnsigned(payload);
            case MmdbType.Int32:
                // Two's complement in up to four bytes; shorter payloads are not sign-extended (as libmaxminddb).
                return unchecked((int)(uint)MmdbData.ReadUnsigned(payload));
            case MmdbType.UInt64:
                return MmdbData.ReadUnsigned(payload);
            default:
                return ReadUInt128(payload);
        }
    }

    private static ReadOnlyDictionary<string, object> DecodeMap(ReadOnlySpan<byte> data, MmdbField field, int depth, ref MmdbBudget budget, out int next)
    {
        if (depth >= MmdbData.MaxDepth)
        {
            MmdbErrors.TooDeep();
        }

        MmdbData.CheckCount(data, field, budget);
        var map = new Dictionary<string, object>(field.Size, StringComparer.Ordinal);
        var pos = field.Payload;
        for (var i = 0; i < field.Size; i++)
        {
            var keyStart = pos;
            var keyBytes = MmdbData.ReadKey(data, ref pos);
            var key = DecodeString(keyBytes, keyStart, ref budget);
            map[key] = DecodeAt(data, pos, depth + 1, ref budget, out pos);
        }

        next = pos;
        return new ReadOnlyDictionary<string, object>(map);
    }

    private static ReadOnlyCollection<object> DecodeArray(ReadOnlySpan<byte> data, MmdbField field, int depth, ref MmdbBudget budget, out int next)
    {
        if (depth >= MmdbData.MaxDepth)
        {
            MmdbErrors.TooDeep();
        }

        MmdbData.CheckCount(data, field, budget);
        var items = new object[field.Size];
        var pos = field.Payload;
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = DecodeAt(data, pos, depth + 1, ref budget, out pos);
        }

        next = pos;
        return Array.AsReadOnly(items);
    }

    /// <summary>A UTF-8 string; invalid UTF-8 is a format error, not replaced.</summary>
    public static string DecodeString(ReadOnlySpan<byte> bytes, int offset, ref MmdbBudget budget)
    {
        budget.TakePayload(bytes.Length);
        if (!Utf8.IsValid(bytes))
        {
            MmdbErrors.InvalidUtf8(offset);
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private static UInt128 ReadUInt128(ReadOnlySpan<byte> payload)
    {
        UInt128 value = 0;
        foreach (var b in payload)
        {
            value = (value << 8) | b;
        }

        return value;
    }
}
