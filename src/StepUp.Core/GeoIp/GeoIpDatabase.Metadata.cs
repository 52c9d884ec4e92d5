using System.Collections.ObjectModel;

namespace StepUp.Core.GeoIp;

/// <summary>Reading and validating the metadata map.</summary>
public sealed partial class GeoIpDatabase
{
    private static GeoIpMetadata ReadMetadata(ReadOnlySpan<byte> section)
    {
        // The metadata uses the data-section encoding with its own start as offset 0.
        object decoded;
        try
        {
            decoded = MmdbDecoder.Decode(section, 0);
        }
        catch (GeoIpFormatException e)
        {
            throw new GeoIpFormatException("metadata section: " + e.Message, e);
        }

        if (decoded is not IReadOnlyDictionary<string, object> map)
        {
            throw new GeoIpFormatException("metadata is not a map");
        }

        var nodeCount = RequiredUnsigned(map, "node_count", uint.MaxValue);
        var recordSize = RequiredUnsigned(map, "record_size", ushort.MaxValue);
        if (recordSize is not (24 or 28 or 32))
        {
            throw new GeoIpFormatException($"metadata record_size {recordSize} is not supported (24, 28 or 32)");
        }

        var ipVersion = RequiredUnsigned(map, "ip_version", ushort.MaxValue);
        if (ipVersion is not (4 or 6))
        {
            throw new GeoIpFormatException($"metadata ip_version {ipVersion} is not 4 or 6");
        }

        var major = RequiredUnsigned(map, "binary_format_major_version", ushort.MaxValue);
        if (major != 2)
        {
            throw new GeoIpFormatException($"binary format major version {major} is not supported (2)");
        }

        return new GeoIpMetadata
        {
            NodeCount = (uint)nodeCount,
            RecordSize = (int)recordSize,
            IpVersion = (int)ipVersion,
            DatabaseType = map.GetValueOrDefault("database_type") as string
                ?? throw new GeoIpFormatException("metadata database_type is missing or not a string"),
            Languages = Languages(map),
            BinaryFormatMajorVersion = (int)major,
            BinaryFormatMinorVersion = (int)RequiredUnsigned(map, "binary_format_minor_version", ushort.MaxValue),
            BuildEpoch = RequiredUnsigned(map, "build_epoch", ulong.MaxValue),
            Description = Description(map),
        };
    }

    private static ulong RequiredUnsigned(IReadOnlyDictionary<string, object> map, string key, ulong max)
    {
        ulong? value = map.GetValueOrDefault(key) switch
        {
            ushort v => v,
            uint v => v,
            ulong v => v,
            _ => null,
        };
        if (value is null)
        {
            throw new GeoIpFormatException($"metadata {key} is missing or not an unsigned integer");
        }

        if (value > max)
        {
            throw new GeoIpFormatException($"metadata {key} {value} is out of range");
        }

        return value.Value;
    }

    private static ReadOnlyCollection<string> Languages(IReadOnlyDictionary<string, object> map)
    {
        if (!map.TryGetValue("languages", out var value))
        {
            return [];
        }

        if (value is not IReadOnlyList<object> list || list.Any(item => item is not string))
        {
            throw new GeoIpFormatException("metadata languages is not an array of strings");
        }

        return Array.AsReadOnly(list.Cast<string>().ToArray());
    }

    private static ReadOnlyDictionary<string, string> Description(IReadOnlyDictionary<string, object> map)
    {
        if (!map.TryGetValue("description", out var value))
        {
            return ReadOnlyDictionary<string, string>.Empty;
        }

        if (value is not IReadOnlyDictionary<string, object> descriptions || descriptions.Values.Any(item => item is not string))
        {
            throw new GeoIpFormatException("metadata description is not a map of strings");
        }

        return descriptions.ToDictionary(pair => pair.Key, pair => (string)pair.Value, StringComparer.Ordinal).AsReadOnly();
    }
}
