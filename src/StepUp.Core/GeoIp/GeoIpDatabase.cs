using System.Net;

namespace StepUp.Core.GeoIp;

/// <summary>
/// One MaxMind DB (<c>.mmdb</c>) file, read per the MaxMind DB format 2.0 and validated at open.
/// The whole file is read into memory once (see docs/geoip.md for why not a memory map); after
/// that the instance is immutable and safe to share between threads.
/// Malformed files: <see cref="Open"/> and <see cref="FromBytes"/> throw
/// <see cref="GeoIpFormatException"/>; lookups never throw for file content and return
/// <see cref="GeoIpStatus.Corrupt"/> with the reason instead.
/// </summary>
public sealed partial class GeoIpDatabase
{
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    /// <summary>The metadata section may be at most this large, marker included (spec).</summary>
    private const int MaxMetadataBytes = 128 * 1024;

    private const int DataSeparatorBytes = 16;

    private readonly byte[] _file;
    private readonly uint _nodeCount;
    private readonly int _recordSize;
    private readonly int _ipVersion;
    private readonly int _treeBytes;
    private readonly int _dataStart;
    private readonly int _dataLength;

    // Where IPv4 lookups start in an IPv6 tree: the node (or terminal record) that 96 zero bits reach.
    private readonly uint _ipv4Start;

    private GeoIpDatabase(byte[] file)
    {
        _file = file;
        var markerStart = FindMetadataMarker(file);
        var metadataStart = markerStart + MetadataMarker.Length;
        Metadata = ReadMetadata(file.AsSpan(metadataStart));

        _nodeCount = Metadata.NodeCount;
        _recordSize = Metadata.RecordSize;
        _ipVersion = Metadata.IpVersion;
        var treeBytes = (long)_nodeCount * _recordSize / 4;
        if (_nodeCount == 0 || treeBytes + DataSeparatorBytes > markerStart)
        {
            throw new GeoIpFormatException(
                $"metadata node_count {_nodeCount} needs a {treeBytes}-byte search tree plus separator, but the file has {markerStart} bytes before the metadata");
        }

        _treeBytes = (int)treeBytes;
        _dataStart = _treeBytes + DataSeparatorBytes;
        _dataLength = markerStart - _dataStart;
        _ipv4Start = FindIpv4Start();
    }

    /// <summary>The validated metadata.</summary>
    public GeoIpMetadata Metadata { get; }

    /// <summary>
    /// Reads and validates the database at <paramref name="path"/>.
    /// Throws <see cref="GeoIpFormatException"/> when the file is not a well-formed MaxMind DB,
    /// and the usual I/O exceptions when it cannot be read.
    /// </summary>
    public static GeoIpDatabase Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var length = new FileInfo(path).Length;
        if (length > Array.MaxLength)
        {
            throw new GeoIpFormatException($"{path}: {length} bytes is larger than this reader supports ({Array.MaxLength} bytes)");
        }

        try
        {
            return new GeoIpDatabase(File.ReadAllBytes(path));
        }
        catch (GeoIpFormatException e)
        {
            throw new GeoIpFormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Validates a database held in memory; the bytes are copied, so the caller may reuse them.
    /// Throws <see cref="GeoIpFormatException"/> when they are not a well-formed MaxMind DB.
    /// </summary>
    public static GeoIpDatabase FromBytes(ReadOnlySpan<byte> bytes) => new(bytes.ToArray());

    /// <summary>
    /// Looks up <paramref name="address"/> and decodes its whole record (see docs/geoip.md for the
    /// value types). IPv4 and IPv4-mapped IPv6 addresses use the IPv4 part of an IPv6 tree.
    /// </summary>
    public GeoIpResult<object> Lookup(IPAddress address) => Find<FullRecord, object>(address);

    /// <summary>The City projection of the record for <paramref name="address"/>; decodes only those fields.</summary>
    internal GeoIpResult<GeoIpCity> City(IPAddress address) => Find<CityRecord, GeoIpCity>(address);

    /// <summary>The ASN projection of the record for <paramref name="address"/>.</summary>
    internal GeoIpResult<GeoIpAsn> Asn(IPAddress address) => Find<AsnRecord, GeoIpAsn>(address);

    /// <summary>The Anonymous-IP projection of the record for <paramref name="address"/>.</summary>
    internal GeoIpResult<GeoIpAnonymousIp> AnonymousIp(IPAddress address) => Find<AnonymousIpRecord, GeoIpAnonymousIp>(address);

    private ReadOnlySpan<byte> DataSection => _file.AsSpan(_dataStart, _dataLength);

    private static int FindMetadataMarker(byte[] file)
    {
        var searchFrom = Math.Max(0, file.Length - MaxMetadataBytes);
        var index = file.AsSpan(searchFrom).LastIndexOf(MetadataMarker);
        if (index < 0)
        {
            throw new GeoIpFormatException("no MaxMind DB metadata marker in the last 128 KiB: not a MaxMind DB file");
        }

        return searchFrom + index;
    }
}
