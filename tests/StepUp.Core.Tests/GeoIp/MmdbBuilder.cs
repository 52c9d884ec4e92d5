using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace StepUp.Core.Tests.GeoIp;

/// <summary>
/// Writes MaxMind DB fields byte by byte (spec "Output Data Section"), for synthetic databases
/// that the public test files do not cover: 32-bit records, every pointer size, hostile shapes.
/// </summary>
internal static class MmdbEncode
{
    public const int PointerType = 1, StringType = 2, DoubleType = 3, BytesType = 4, UInt16Type = 5, UInt32Type = 6, MapType = 7,
        Int32Type = 8, UInt64Type = 9, UInt128Type = 10, ArrayType = 11, ContainerType = 12, EndMarkerType = 13, BooleanType = 14, FloatType = 15;

    /// <summary>A control byte (plus extended type byte and size bytes) for a field of <paramref name="type"/>.</summary>
    public static byte[] Header(int type, int size)
    {
        var output = new List<byte>();
        int sizeBits;
        byte[] extra;
        if (size < 29)
        {
            sizeBits = size;
            extra = [];
        }
        else if (size < 285)
        {
            sizeBits = 29;
            extra = [(byte)(size - 29)];
        }
        else if (size < 65_821)
        {
            sizeBits = 30;
            var v = size - 285;
            extra = [(byte)(v >> 8), (byte)v];
        }
        else
        {
            sizeBits = 31;
            var v = size - 65_821;
            extra = [(byte)(v >> 16), (byte)(v >> 8), (byte)v];
        }

        if (type <= 7)
        {
            output.Add((byte)((type << 5) | sizeBits));
        }
        else
        {
            output.Add((byte)sizeBits);
            output.Add((byte)(type - 7));
        }

        output.AddRange(extra);
        return [.. output];
    }

    public static byte[] Str(string value) => Str(Encoding.UTF8.GetBytes(value));

    public static byte[] Str(byte[] utf8) => [.. Header(StringType, utf8.Length), .. utf8];

    public static byte[] Raw(byte[] bytes) => [.. Header(BytesType, bytes.Length), .. bytes];

    public static byte[] Unsigned(int type, UInt128 value)
    {
        var bytes = new List<byte>();
        while (value != 0)
        {
            bytes.Insert(0, (byte)(value & 0xFF));
            value >>= 8;
        }

        return [.. Header(type, bytes.Count), .. bytes];
    }

    public static byte[] U16(ushort value) => Unsigned(UInt16Type, value);

    public static byte[] U32(uint value) => Unsigned(UInt32Type, value);

    public static byte[] U64(ulong value) => Unsigned(UInt64Type, value);

    public static byte[] U128(UInt128 value) => Unsigned(UInt128Type, value);

    public static byte[] I32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return [.. Header(Int32Type, 4), .. bytes];
    }

    public static byte[] Dbl(double value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(bytes, value);
        return [.. Header(DoubleType, 8), .. bytes];
    }

    public static byte[] Flt(float value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteSingleBigEndian(bytes, value);
        return [.. Header(FloatType, 4), .. bytes];
    }

    public static byte[] Bool(bool value) => Header(BooleanType, value ? 1 : 0);

    public static byte[] MapOf(params (string Key, byte[] Value)[] entries) =>
        [.. Header(MapType, entries.Length), .. entries.SelectMany(e => Str(e.Key).Concat(e.Value))];

    public static byte[] ArrayOf(params byte[][] items) => [.. Header(ArrayType, items.Length), .. items.SelectMany(i => i)];

    /// <summary>A pointer to <paramref name="target"/> in the given size class (0–3), as the spec lays them out.</summary>
    public static byte[] Ptr(int target, int sizeClass)
    {
        switch (sizeClass)
        {
            case 0:
                return [(byte)(0x20 | ((target >> 8) & 0x7)), (byte)target];
            case 1:
                {
                    var v = target - 2_048;
                    return [(byte)(0x28 | ((v >> 16) & 0x7)), (byte)(v >> 8), (byte)v];
                }

            case 2:
                {
                    var v = target - 526_336;
                    return [(byte)(0x30 | ((v >> 24) & 0x7)), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
                }

            default:
                return [0x38, (byte)(target >> 24), (byte)(target >> 16), (byte)(target >> 8), (byte)target];
        }
    }
}

/// <summary>Assembles whole databases: search tree, separator, data section, metadata.</summary>
internal sealed class MmdbBuilder
{
    private readonly TrieNode _root = new();

    public int RecordSize { get; init; } = 24;

    public int IpVersion { get; init; } = 4;

    /// <summary>Metadata entries to replace (pre-encoded values) or, with a null value, to leave out.</summary>
    public Dictionary<string, byte[]?> MetadataOverrides { get; } = new(StringComparer.Ordinal);

    /// <summary>Maps <paramref name="cidr"/> to the data-section value at <paramref name="dataOffset"/>.</summary>
    public MmdbBuilder Insert(string cidr, int dataOffset)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var bytes = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
        var prefix = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        if (IpVersion == 6 && bytes.Length == 4)
        {
            bytes = [.. new byte[12], .. bytes];
            prefix += 96;
        }

        var node = _root;
        for (var i = 0; i < prefix - 1; i++)
        {
            var bit = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
            if (node.Children[bit] is not TrieNode child)
            {
                child = new TrieNode();
                node.Children[bit] = child;
            }

            node = child;
        }

        var last = prefix - 1;
        node.Children[(bytes[last >> 3] >> (7 - (last & 7))) & 1] = dataOffset;
        return this;
    }

    /// <summary>The file: every inserted network resolves to its data offset, everything else is empty.</summary>
    public byte[] Build(byte[] data)
    {
        var nodes = new List<TrieNode>();
        Number(_root, nodes);
        var nodeCount = (uint)nodes.Count;
        var records = nodes.Select(n => (Record(n.Children[0], nodeCount), Record(n.Children[1], nodeCount))).ToArray();
        return Assemble(RecordSize, records, data, Metadata(nodeCount));
    }

    /// <summary>A file from raw node records (record values written as given).</summary>
    public static byte[] Assemble(int recordSize, (uint Left, uint Right)[] nodes, byte[] data, byte[] metadataMap)
    {
        var output = new List<byte>();
        foreach (var (left, right) in nodes)
        {
            output.AddRange(Node(recordSize, left, right));
        }

        output.AddRange(new byte[16]);
        output.AddRange(data);
        output.AddRange(Marker);
        output.AddRange(metadataMap);
        return [.. output];
    }

    public static readonly byte[] Marker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    /// <summary>The metadata map this builder would write for <paramref name="nodeCount"/> nodes.</summary>
    public byte[] Metadata(uint nodeCount)
    {
        var entries = new List<(string, byte[])>
        {
            ("binary_format_major_version", MmdbEncode.U16(2)),
            ("binary_format_minor_version", MmdbEncode.U16(0)),
            ("build_epoch", MmdbEncode.U64(1_700_000_000)),
            ("database_type", MmdbEncode.Str("StepUp-Test")),
            ("description", MmdbEncode.MapOf(("en", MmdbEncode.Str("synthetic")))),
            ("ip_version", MmdbEncode.U16((ushort)IpVersion)),
            ("languages", MmdbEncode.ArrayOf(MmdbEncode.Str("en"))),
            ("node_count", MmdbEncode.U32(nodeCount)),
            ("record_size", MmdbEncode.U16((ushort)RecordSize)),
        };
        foreach (var (key, value) in MetadataOverrides)
        {
            entries.RemoveAll(e => e.Item1 == key);
            if (value is not null)
            {
                entries.Add((key, value));
            }
        }

        return MmdbEncode.MapOf([.. entries]);
    }

    /// <summary>A one-node database whose two records both resolve to the value at <paramref name="top"/>.</summary>
    public static byte[] SingleRecord(byte[] data, int top, int recordSize = 24, int ipVersion = 4)
    {
        var builder = new MmdbBuilder { RecordSize = recordSize, IpVersion = ipVersion };
        var value = 1u + 16u + (uint)top;
        return Assemble(recordSize, [(value, value)], data, builder.Metadata(1));
    }

    private static uint Record(object? child, uint nodeCount) => child switch
    {
        TrieNode node => (uint)node.Index,
        int offset => nodeCount + 16 + (uint)offset,
        _ => nodeCount,
    };

    private static void Number(TrieNode node, List<TrieNode> nodes)
    {
        node.Index = nodes.Count;
        nodes.Add(node);
        foreach (var child in node.Children)
        {
            if (child is TrieNode next)
            {
                Number(next, nodes);
            }
        }
    }

    private static byte[] Node(int recordSize, uint left, uint right) => recordSize switch
    {
        24 => [(byte)(left >> 16), (byte)(left >> 8), (byte)left, (byte)(right >> 16), (byte)(right >> 8), (byte)right],
        28 => [(byte)(left >> 16), (byte)(left >> 8), (byte)left, (byte)(((left >> 20) & 0xF0) | ((right >> 24) & 0x0F)), (byte)(right >> 16), (byte)(right >> 8), (byte)right],
        _ => [(byte)(left >> 24), (byte)(left >> 16), (byte)(left >> 8), (byte)left, (byte)(right >> 24), (byte)(right >> 16), (byte)(right >> 8), (byte)right],
    };

    private sealed class TrieNode
    {
        public readonly object?[] Children = new object?[2];

        public int Index { get; set; }
    }
}
