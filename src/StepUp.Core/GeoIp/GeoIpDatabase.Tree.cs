using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace StepUp.Core.GeoIp;

/// <summary>The search tree walk and the one place where a format error becomes a result.</summary>
public sealed partial class GeoIpDatabase
{
    private const int Ipv4SubtreeDepth = 96;

    private GeoIpResult<T> Find<TReader, T>(IPAddress address)
        where TReader : IRecordReader<T>
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        uint record;
        int prefixLength;
        if (address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6)
        {
            address.TryWriteBytes(bytes, out var written);
            var ipv4 = written == 4 ? bytes[..4] : bytes.Slice(12, 4);
            var start = _ipVersion == 6 ? _ipv4Start : 0;
            (record, prefixLength) = Walk(ipv4, start);
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (_ipVersion == 4)
            {
                return GeoIpResult<T>.NotFound(0);
            }

            address.TryWriteBytes(bytes, out _);
            (record, prefixLength) = Walk(bytes, 0);
        }
        else
        {
            throw new ArgumentException($"{address.AddressFamily} is not an IP address family", nameof(address));
        }

        if (record < _nodeCount)
        {
            return TreeError<T>(TreeFault.TooDeep, record, prefixLength);
        }

        if (record == _nodeCount)
        {
            return GeoIpResult<T>.NotFound(prefixLength);
        }

        var offset = (long)record - _nodeCount - DataSeparatorBytes;
        if (offset < 0)
        {
            return TreeError<T>(TreeFault.IntoSeparator, record, prefixLength);
        }

        if (offset >= _dataLength)
        {
            return TreeError<T>(TreeFault.PastData, record, prefixLength);
        }

        try
        {
            return GeoIpResult<T>.Found(TReader.Read(DataSection, (int)offset), prefixLength);
        }
        catch (GeoIpFormatException e)
        {
            return GeoIpResult<T>.Corrupt("data section: " + e.Message);
        }
    }

    private enum TreeFault
    {
        TooDeep,
        IntoSeparator,
        PastData,
    }

    // Out of line so the lookup path carries no message formatting.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static GeoIpResult<T> TreeError<T>(TreeFault fault, uint record, int bits) => GeoIpResult<T>.Corrupt(fault switch
    {
        TreeFault.TooDeep => $"search tree is deeper than the {bits}-bit address",
        TreeFault.IntoSeparator => $"search tree record {record} points into the data section separator",
        _ => $"search tree record {record} points past the end of the data section",
    });

    /// <summary>
    /// Follows the address bits from <paramref name="node"/> until a record is not a node; at most
    /// one step per bit, so a looping tree cannot hang. Returns the record and the bits used.
    /// </summary>
    private (uint Record, int Bits) Walk(ReadOnlySpan<byte> address, uint node)
    {
        // One loop per record size keeps the layout switch out of the per-bit path.
        var tree = _file.AsSpan(0, _treeBytes);
        var nodeCount = _nodeCount;
        var bitCount = address.Length * 8;
        var bits = 0;
        switch (_recordSize)
        {
            case 24:
                while (bits < bitCount && node < nodeCount)
                {
                    var at = ((int)node * 6) + (Bit(address, bits) * 3);
                    node = (uint)((tree[at] << 16) | (tree[at + 1] << 8) | tree[at + 2]);
                    bits++;
                }

                break;
            case 28:
                while (bits < bitCount && node < nodeCount)
                {
                    var at = (int)node * 7;
                    node = Bit(address, bits) == 0
                        ? (uint)(((tree[at + 3] & 0xF0) << 20) | (tree[at] << 16) | (tree[at + 1] << 8) | tree[at + 2])
                        : (uint)(((tree[at + 3] & 0x0F) << 24) | (tree[at + 4] << 16) | (tree[at + 5] << 8) | tree[at + 6]);
                    bits++;
                }

                break;
            default:
                while (bits < bitCount && node < nodeCount)
                {
                    node = BinaryPrimitives.ReadUInt32BigEndian(tree.Slice(((int)node * 8) + (Bit(address, bits) * 4), 4));
                    bits++;
                }

                break;
        }

        return (node, bits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bit(ReadOnlySpan<byte> address, int index) => (address[index >> 3] >> (7 - (index & 7))) & 1;

    /// <summary>The node (or terminal record) that 96 zero bits lead to: where IPv4 lookups start in an IPv6 tree.</summary>
    private uint FindIpv4Start() => _ipVersion == 4 ? 0 : Walk(stackalloc byte[Ipv4SubtreeDepth / 8], 0).Record;
}
