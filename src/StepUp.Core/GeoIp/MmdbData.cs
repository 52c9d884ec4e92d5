using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace StepUp.Core.GeoIp;

/// <summary>MaxMind DB data-section field types (spec "Output Data Section").</summary>
internal enum MmdbType : byte
{
    Extended = 0,
    Pointer = 1,
    Utf8String = 2,
    Double = 3,
    Bytes = 4,
    UInt16 = 5,
    UInt32 = 6,
    Map = 7,
    Int32 = 8,
    UInt64 = 9,
    UInt128 = 10,
    Array = 11,
    DataCacheContainer = 12,
    EndMarker = 13,
    Boolean = 14,
    Float = 15,
}

/// <summary>
/// One field header. For a pointer, <see cref="Size"/> is the target offset and
/// <see cref="Payload"/> the offset just past the pointer; for maps and arrays, Size counts
/// entries; otherwise Size is the payload length in bytes starting at Payload.
/// </summary>
internal readonly record struct MmdbField(MmdbType Type, int Size, int Payload);

/// <summary>
/// Work limits for reading one record, shared by navigation, skipping and decoding so a hostile
/// record cannot amplify (pointer fan-out, repeated large payloads) into unbounded work.
/// </summary>
internal struct MmdbBudget
{
    /// <summary>Most values one record may visit (MaxMind's recommended decoder value limit).</summary>
    public const int MaxValues = 1 << 16;

    /// <summary>Most string/bytes payload one record may copy (MaxMind's recommended 2 MiB).</summary>
    public const int MaxPayloadBytes = 1 << 21;

    private int _values;
    private int _payloadBytes;

    public static MmdbBudget Create() => new() { _values = MaxValues, _payloadBytes = MaxPayloadBytes };

    public readonly int ValuesLeft => _values;

    public void TakeValue()
    {
        if (--_values < 0)
        {
            MmdbErrors.TooManyValues();
        }
    }

    public void TakePayload(int bytes)
    {
        _payloadBytes -= bytes;
        if (_payloadBytes < 0)
        {
            MmdbErrors.TooMuchPayload();
        }
    }
}

/// <summary>
/// Bounds-checked primitives over a section in the data-section encoding (the data section, or
/// the metadata section, whose offsets start at its own beginning). Every offset is checked
/// before it is read; a violation throws <see cref="GeoIpFormatException"/> (built in
/// <see cref="MmdbErrors"/>), which <see cref="GeoIpDatabase"/> turns into a result.
/// </summary>
internal static class MmdbData
{
    /// <summary>
    /// Deepest map/array nesting accepted. Real databases nest about five levels; libmaxminddb
    /// allows 512, but 128 keeps a recursive decode well inside a small thread stack.
    /// </summary>
    public const int MaxDepth = 128;

    /// <summary>Reads the field header at <paramref name="pos"/> without following pointers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MmdbField ReadControl(ReadOnlySpan<byte> data, int pos)
    {
        // Hot path: a type from 2 to 7 (not pointer, not extended) with a size below 29.
        if ((uint)pos < (uint)data.Length)
        {
            var control = data[pos];
            if (control >= 0x40 && (control & 0x1F) < 29)
            {
                return new MmdbField((MmdbType)(control >> 5), control & 0x1F, pos + 1);
            }

            if (control >= 0x20 && control < 0x40)
            {
                return ReadPointer(data, control, pos + 1);
            }
        }

        return ReadControlSlow(data, pos);
    }

    private static MmdbField ReadControlSlow(ReadOnlySpan<byte> data, int pos)
    {
        if ((uint)pos >= (uint)data.Length)
        {
            MmdbErrors.OutsideSection(pos, data.Length);
        }

        var control = data[pos++];
        var type = (MmdbType)(control >> 5);
        if (type == MmdbType.Pointer)
        {
            return ReadPointer(data, control, pos);
        }

        if (type == MmdbType.Extended)
        {
            if (pos >= data.Length)
            {
                MmdbErrors.CutOff("extended type byte", pos - 1);
            }

            var extended = data[pos++] + 7;
            if (extended is < 8 or > 15)
            {
                MmdbErrors.InvalidExtendedType(extended, pos - 2);
            }

            type = (MmdbType)extended;
        }

        var size = control & 0x1F;
        if (size >= 29)
        {
            var extra = size - 28;
            if (extra > data.Length - pos)
            {
                MmdbErrors.CutOff("field size", pos);
            }

            size = extra switch
            {
                1 => 29 + data[pos],
                2 => 285 + ((data[pos] << 8) | data[pos + 1]),
                _ => 65_821 + ((data[pos] << 16) | (data[pos + 1] << 8) | data[pos + 2]),
            };
            pos += extra;
        }

        return new MmdbField(type, size, pos);
    }

    private static MmdbField ReadPointer(ReadOnlySpan<byte> data, byte control, int pos)
    {
        var sizeBits = (control >> 3) & 0x3;
        var length = sizeBits + 1;
        if (length > data.Length - pos)
        {
            MmdbErrors.CutOff("pointer", pos - 1);
        }

        var low = control & 0x7;
        long target = sizeBits switch
        {
            0 => (low << 8) | data[pos],
            1 => ((low << 16) | (data[pos] << 8) | data[pos + 1]) + 2_048L,
            2 => ((low << 24) | (data[pos] << 16) | (data[pos + 1] << 8) | data[pos + 2]) + 526_336L,
            _ => BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos, 4)),
        };
        if (target >= data.Length)
        {
            MmdbErrors.PointerPastEnd(pos - 1, target, data.Length);
        }

        return new MmdbField(MmdbType.Pointer, (int)target, pos + length);
    }

    /// <summary>
    /// The value field at <paramref name="pos"/>: the field itself, or what its pointer targets.
    /// A pointer to a pointer is an error, so pointers can never chain or loop.
    /// </summary>
    public static MmdbField Deref(ReadOnlySpan<byte> data, int pos)
    {
        var field = ReadControl(data, pos);
        if (field.Type != MmdbType.Pointer)
        {
            return field;
        }

        var target = ReadControl(data, field.Size);
        if (target.Type == MmdbType.Pointer)
        {
            MmdbErrors.PointerToPointer(pos, field.Size);
        }

        return target;
    }

    /// <summary>The payload bytes of a fixed- or variable-length scalar, checked against the data section.</summary>
    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> data, MmdbField field)
    {
        if (field.Size > data.Length - field.Payload)
        {
            MmdbErrors.PayloadPastEnd(field, data.Length);
        }

        return data.Slice(field.Payload, field.Size);
    }

    /// <summary>Checks that a map or array of <paramref name="field"/>.Size entries can fit in what is left.</summary>
    public static void CheckCount(ReadOnlySpan<byte> data, MmdbField field, in MmdbBudget budget)
    {
        // Each map pair takes at least two bytes (key and value), each array element at least one.
        var minBytes = field.Type == MmdbType.Map ? 2L * field.Size : field.Size;
        if (minBytes > data.Length - field.Payload)
        {
            MmdbErrors.TooManyEntries(field, "the section can hold");
        }

        if (field.Size > budget.ValuesLeft)
        {
            MmdbErrors.TooManyEntries(field, "one record may hold");
        }
    }

    /// <summary>Checks the declared size of a fixed-size type and the payload bounds.</summary>
    public static void CheckScalar(ReadOnlySpan<byte> data, MmdbField field)
    {
        var valid = field.Type switch
        {
            MmdbType.Double => field.Size == 8,
            MmdbType.Float => field.Size == 4,
            MmdbType.UInt16 => field.Size <= 2,
            MmdbType.UInt32 or MmdbType.Int32 => field.Size <= 4,
            MmdbType.UInt64 => field.Size <= 8,
            MmdbType.UInt128 => field.Size <= 16,
            MmdbType.Boolean => field.Size <= 1,
            _ => true,
        };
        if (!valid)
        {
            MmdbErrors.InvalidSize(field);
        }

        if (field.Type != MmdbType.Boolean)
        {
            Payload(data, field);
        }
    }

    /// <summary>An unsigned integer of up to 8 payload bytes, big-endian.</summary>
    public static ulong ReadUnsigned(ReadOnlySpan<byte> payload)
    {
        ulong value = 0;
        foreach (var b in payload)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    /// <summary>The key of a map entry at <paramref name="pos"/> (inline or through one pointer); advances past it.</summary>
    public static ReadOnlySpan<byte> ReadKey(ReadOnlySpan<byte> data, scoped ref int pos)
    {
        var field = ReadControl(data, pos);
        if (field.Type == MmdbType.Pointer)
        {
            pos = field.Payload;
            field = ReadControl(data, field.Size);
        }
        else
        {
            pos = field.Payload + field.Size;
        }

        if (field.Type != MmdbType.Utf8String)
        {
            MmdbErrors.KeyNotString(field);
        }

        return Payload(data, field);
    }

    /// <summary>
    /// Returns the offset just past the field at <paramref name="pos"/>, without following
    /// pointers. Iterative: it only counts the items still to pass (a map adds two per entry, an
    /// array one per item), so nesting costs no stack; the budget bounds the work.
    /// </summary>
    public static int Skip(ReadOnlySpan<byte> data, int pos, ref MmdbBudget budget)
    {
        long remaining = 1;
        while (remaining > 0)
        {
            remaining--;
            budget.TakeValue();
            if ((uint)pos < (uint)data.Length && data[pos] is >= 0x20 and < 0x40)
            {
                // A pointer is passed by its length alone (001SSVVV plus SS + 1 bytes); its target is not read.
                var end = pos + 2 + ((data[pos] >> 3) & 0x3);
                if (end > data.Length)
                {
                    MmdbErrors.CutOff("pointer", pos);
                }

                pos = end;
                continue;
            }

            var field = ReadControl(data, pos);
            switch (field.Type)
            {
                case MmdbType.Map:
                case MmdbType.Array:
                    CheckCount(data, field, budget);
                    remaining += field.Type == MmdbType.Map ? 2L * field.Size : field.Size;
                    pos = field.Payload;
                    break;
                case MmdbType.Boolean:
                    CheckScalar(data, field);
                    pos = field.Payload;
                    break;
                case MmdbType.DataCacheContainer:
                case MmdbType.EndMarker:
                    MmdbErrors.NotAValue(field.Type, pos);
                    break;
                default:
                    CheckScalar(data, field);
                    pos = field.Payload + field.Size;
                    break;
            }
        }

        return pos;
    }

    /// <summary>The spec's name for a type, for error messages.</summary>
    public static string Name(MmdbType type) => type switch
    {
        MmdbType.Pointer => "pointer",
        MmdbType.Utf8String => "utf8_string",
        MmdbType.Double => "double",
        MmdbType.Bytes => "bytes",
        MmdbType.UInt16 => "uint16",
        MmdbType.UInt32 => "uint32",
        MmdbType.Map => "map",
        MmdbType.Int32 => "int32",
        MmdbType.UInt64 => "uint64",
        MmdbType.UInt128 => "uint128",
        MmdbType.Array => "array",
        MmdbType.DataCacheContainer => "data cache container",
        MmdbType.EndMarker => "end marker",
        MmdbType.Boolean => "boolean",
        MmdbType.Float => "float",
        _ => "extended",
    };
}

/// <summary>
/// The format errors, built and thrown out of line so the hot paths above carry no message
/// formatting (it would cost every call, not just the failing one).
/// </summary>
internal static class MmdbErrors
{
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Fail(string message) => throw new GeoIpFormatException(message);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void TooManyValues() => Fail($"record has more than {MmdbBudget.MaxValues} values");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void TooMuchPayload() => Fail($"record has more than {MmdbBudget.MaxPayloadBytes} bytes of strings and bytes");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void TooDeep() => Fail($"data nested deeper than {MmdbData.MaxDepth} levels");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void OutsideSection(int pos, int length) => Fail($"field at offset {pos} starts outside the section ({length} bytes)");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void InvalidExtendedType(int type, int pos) => Fail($"invalid extended type {type} at offset {pos}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CutOff(string what, int pos) => Fail($"{what} at offset {pos} is cut off by the end of the section");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void PointerPastEnd(int pos, long target, int length) =>
        Fail($"pointer at offset {pos} targets {target}, past the end of the section ({length} bytes)");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void PointerToPointer(int pos, int target) => Fail($"pointer at offset {pos} targets another pointer at offset {target}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void PayloadPastEnd(MmdbField field, int length) =>
        Fail($"{MmdbData.Name(field.Type)} of {field.Size} bytes at offset {field.Payload} runs past the end of the section ({length} bytes)");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void TooManyEntries(MmdbField field, string limit) =>
        Fail($"{MmdbData.Name(field.Type)} at offset {field.Payload} claims {field.Size} entries, more than {limit}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void InvalidSize(MmdbField field) => Fail($"{MmdbData.Name(field.Type)} at offset {field.Payload} has invalid size {field.Size}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void KeyNotString(MmdbField field) => Fail($"map key at offset {field.Payload} is a {MmdbData.Name(field.Type)}, not a string");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void NotAValue(MmdbType type, int pos) => Fail($"{MmdbData.Name(type)} at offset {pos} where a value was expected");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void InvalidUtf8(int pos) => Fail($"string at offset {pos} is not valid UTF-8");
}
