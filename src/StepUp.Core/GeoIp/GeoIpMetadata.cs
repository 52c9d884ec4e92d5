namespace StepUp.Core.GeoIp;

/// <summary>The metadata section of a MaxMind DB file, validated at open.</summary>
public sealed record GeoIpMetadata
{
    /// <summary>Number of nodes in the search tree.</summary>
    public required uint NodeCount { get; init; }

    /// <summary>Bits per search-tree record: 24, 28 or 32.</summary>
    public required int RecordSize { get; init; }

    /// <summary>4 or 6: the address family of the search tree.</summary>
    public required int IpVersion { get; init; }

    /// <summary>What the records describe, e.g. <c>GeoIP2-City</c>, <c>GeoLite2-ASN</c>.</summary>
    public required string DatabaseType { get; init; }

    /// <summary>Locale codes the records may hold names in; empty when the file lists none.</summary>
    public required IReadOnlyList<string> Languages { get; init; }

    /// <summary>Binary format major version (always 2: other majors are refused).</summary>
    public required int BinaryFormatMajorVersion { get; init; }

    /// <summary>Binary format minor version.</summary>
    public required int BinaryFormatMinorVersion { get; init; }

    /// <summary>Build time as Unix seconds, as stored (it may be any 64-bit value).</summary>
    public required ulong BuildEpoch { get; init; }

    /// <summary>Descriptions by locale code; empty when the file has none.</summary>
    public required IReadOnlyDictionary<string, string> Description { get; init; }

    /// <summary>The build time, or null when <see cref="BuildEpoch"/> is outside what a <see cref="DateTimeOffset"/> holds.</summary>
    public DateTimeOffset? BuildTime =>
        BuildEpoch <= (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.FromUnixTimeSeconds((long)BuildEpoch) : null;
}
