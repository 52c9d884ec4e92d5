using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace StepUp.Core.GeoIp;

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
