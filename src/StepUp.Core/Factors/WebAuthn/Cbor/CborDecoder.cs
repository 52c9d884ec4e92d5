using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace StepUp.Core.Factors.WebAuthn.Cbor;

/// <summary>
/// A strict decoder for the RFC 8949 subset that WebAuthn uses: integers, definite-length byte and
/// text strings, arrays, maps with integer or text keys, and the simple values false, true and null.
/// Everything else (indefinite lengths, tags, floats, undefined, reserved encodings) is an error.
/// The input is hostile: every declared length and count is checked against the bytes left before
/// anything is allocated, nesting is bounded by <see cref="MaxDepth"/> and the total number of items
/// by <see cref="MaxItems"/>, text must be valid UTF-8, and a map may not hold one key twice (keys
/// are compared by value, so <c>0x01</c> and <c>0x18 0x01</c> are the same key). Non-preferred
/// encodings and unsorted keys are accepted: they change no meaning, and the signature covers the
/// exact bytes anyway.
/// </summary>
internal static class CborDecoder
{
    /// <summary>Deepest nesting of arrays and maps; WebAuthn structures need 4.</summary>
    public const int MaxDepth = 16;

    /// <summary>Most data items (map keys included) in one input.</summary>
    public const int MaxItems = 4096;

    /// <summary>Decodes exactly one data item that fills <paramref name="input"/>.</summary>
    public static CborError DecodeExact(ReadOnlyMemory<byte> input, out CborValue? value)
    {
        var error = Decode(input, out value, out var consumed);
        if (error == CborError.None && consumed != input.Length)
        {
            value = null;
            return CborError.TrailingBytes;
        }

        return error;
    }

    /// <summary>Decodes the first data item of <paramref name="input"/>; <paramref name="consumed"/> is its length.</summary>
    public static CborError Decode(ReadOnlyMemory<byte> input, out CborValue? value, out int consumed)
    {
        var reader = new Reader(input);
        var error = reader.Read(1, out value);
        consumed = error == CborError.None ? reader.Position : 0;
        if (error != CborError.None)
        {
            value = null;
        }

        return error;
    }

    private sealed class Reader(ReadOnlyMemory<byte> input)
    {
        private int _items;

        public int Position { get; private set; }

        private int Remaining => input.Length - Position;

        public CborError Read(int depth, out CborValue? value)
        {
            value = null;
            if (++_items > MaxItems)
            {
                return CborError.TooManyItems;
            }

            if (Remaining < 1)
            {
                return CborError.Truncated;
            }

            var initial = input.Span[Position++];
            var major = initial >> 5;
            var info = initial & 0x1F;

            if (major == 7)
            {
                return ReadSimple(info, out value);
            }

            if (major == 6)
            {
                return info is >= 28 and <= 30 ? CborError.ReservedAdditionalInfo : CborError.UnsupportedType;
            }

            var error = ReadArgument(info, out var argument);
            if (error != CborError.None)
            {
                return error;
            }

            switch (major)
            {
                case 0:
                    value = CborValue.Unsigned(argument);
                    return CborError.None;
                case 1:
                    value = CborValue.Negative(argument);
                    return CborError.None;
                case 2:
                    return ReadBytes(argument, out value);
                case 3:
                    return ReadText(argument, out value);
                case 4:
                    return ReadArray(argument, depth, out value);
                default:
                    return ReadMap(argument, depth, out value);
            }
        }

        private static CborError ReadSimple(int info, out CborValue? value)
        {
            value = info switch
            {
                20 => CborValue.False,
                21 => CborValue.True,
                22 => CborValue.Null,
                _ => null,
            };
            return value is not null ? CborError.None : info switch
            {
                31 => CborError.IndefiniteLength,
                >= 28 and <= 30 => CborError.ReservedAdditionalInfo,
                _ => CborError.UnsupportedType,
            };
        }

        private CborError ReadArgument(int info, out ulong argument)
        {
            argument = 0;
            if (info < 24)
            {
                argument = (ulong)info;
                return CborError.None;
            }

            if (info == 31)
            {
                return CborError.IndefiniteLength;
            }

            if (info > 27)
            {
                return CborError.ReservedAdditionalInfo;
            }

            var size = 1 << (info - 24);
            if (Remaining < size)
            {
                return CborError.Truncated;
            }

            var span = input.Span.Slice(Position, size);
            argument = size switch
            {
                1 => span[0],
                2 => BinaryPrimitives.ReadUInt16BigEndian(span),
                4 => BinaryPrimitives.ReadUInt32BigEndian(span),
                _ => BinaryPrimitives.ReadUInt64BigEndian(span),
            };
            Position += size;
            return CborError.None;
        }

        private CborError ReadBytes(ulong length, out CborValue? value)
        {
            value = null;
            if (length > (ulong)Remaining)
            {
                return CborError.Truncated;
            }

            value = CborValue.ByteString(input.Slice(Position, (int)length));
            Position += (int)length;
            return CborError.None;
        }

        private CborError ReadText(ulong length, out CborValue? value)
        {
            value = null;
            if (length > (ulong)Remaining)
            {
                return CborError.Truncated;
            }

            var bytes = input.Span.Slice(Position, (int)length);
            if (!Utf8.IsValid(bytes))
            {
                return CborError.InvalidUtf8;
            }

            value = CborValue.TextString(Encoding.UTF8.GetString(bytes));
            Position += (int)length;
            return CborError.None;
        }

        private CborError ReadArray(ulong count, int depth, out CborValue? value)
        {
            value = null;
            if (depth > MaxDepth)
            {
                return CborError.DepthExceeded;
            }

            // Every item takes at least one byte: a larger count cannot be honest.
            if (count > (ulong)Remaining)
            {
                return CborError.Truncated;
            }

            var items = new CborValue[(int)count];
            for (var i = 0; i < items.Length; i++)
            {
                var error = Read(depth + 1, out var item);
                if (error != CborError.None)
                {
                    return error;
                }

                items[i] = item!;
            }

            value = CborValue.Array(items);
            return CborError.None;
        }

        private CborError ReadMap(ulong count, int depth, out CborValue? value)
        {
            value = null;
            if (depth > MaxDepth)
            {
                return CborError.DepthExceeded;
            }

            if (count > (ulong)Remaining / 2)
            {
                return CborError.Truncated;
            }

            var entries = new KeyValuePair<CborValue, CborValue>[(int)count];
            var seen = new HashSet<(CborKind, ulong, string)>((int)count);
            for (var i = 0; i < entries.Length; i++)
            {
                var error = Read(depth + 1, out var key);
                if (error != CborError.None)
                {
                    return error;
                }

                if (!key!.IsInteger && key.Kind != CborKind.TextString)
                {
                    return CborError.InvalidMapKey;
                }

                if (!seen.Add((key.Kind, key.Argument, key.Text)))
                {
                    return CborError.DuplicateMapKey;
                }

                error = Read(depth + 1, out var item);
                if (error != CborError.None)
                {
                    return error;
                }

                entries[i] = new(key, item!);
            }

            value = CborValue.Map(entries);
            return CborError.None;
        }
    }
}
