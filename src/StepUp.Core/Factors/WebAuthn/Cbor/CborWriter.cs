using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace StepUp.Core.Factors.WebAuthn.Cbor;

/// <summary>
/// A small CBOR encoder for the same subset as <see cref="CborDecoder"/>, always in preferred
/// (shortest) form. Callers write map entries in the order they want them encoded.
/// </summary>
internal sealed class CborWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public CborWriter WriteUInt64(ulong value) => WriteHead(0, value);

    public CborWriter WriteInt64(long value) =>
        value >= 0 ? WriteHead(0, (ulong)value) : WriteHead(1, (ulong)(-1 - value));

    public CborWriter WriteByteString(ReadOnlySpan<byte> bytes)
    {
        WriteHead(2, (ulong)bytes.Length);
        _buffer.Write(bytes);
        return this;
    }

    public CborWriter WriteTextString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        WriteHead(3, (ulong)bytes.Length);
        _buffer.Write(bytes);
        return this;
    }

    public CborWriter WriteStartArray(int count) => WriteHead(4, (ulong)count);

    public CborWriter WriteStartMap(int pairs) => WriteHead(5, (ulong)pairs);

    public CborWriter WriteBoolean(bool value) => WriteByte(value ? (byte)0xF5 : (byte)0xF4);

    public CborWriter WriteNull() => WriteByte(0xF6);

    /// <summary>Copies an already encoded data item.</summary>
    public CborWriter WriteEncoded(ReadOnlySpan<byte> encoded)
    {
        _buffer.Write(encoded);
        return this;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private CborWriter WriteByte(byte value)
    {
        _buffer.Write([value]);
        return this;
    }

    private CborWriter WriteHead(int major, ulong argument)
    {
        var type = (byte)(major << 5);
        Span<byte> head = stackalloc byte[9];
        int length;
        if (argument < 24)
        {
            head[0] = (byte)(type | (byte)argument);
            length = 1;
        }
        else if (argument <= byte.MaxValue)
        {
            head[0] = (byte)(type | 24);
            head[1] = (byte)argument;
            length = 2;
        }
        else if (argument <= ushort.MaxValue)
        {
            head[0] = (byte)(type | 25);
            BinaryPrimitives.WriteUInt16BigEndian(head[1..], (ushort)argument);
            length = 3;
        }
        else if (argument <= uint.MaxValue)
        {
            head[0] = (byte)(type | 26);
            BinaryPrimitives.WriteUInt32BigEndian(head[1..], (uint)argument);
            length = 5;
        }
        else
        {
            head[0] = (byte)(type | 27);
            BinaryPrimitives.WriteUInt64BigEndian(head[1..], argument);
            length = 9;
        }

        _buffer.Write(head[..length]);
        return this;
    }
}
