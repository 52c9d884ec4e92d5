namespace StepUp.Core.GeoIp;

/// <summary>
/// The outcome of one lookup: the status, the value when <see cref="GeoIpStatus.Found"/>, and the
/// prefix length of the network the database answered for (IPv4 addresses count IPv4 bits).
/// </summary>
public readonly record struct GeoIpResult<T>
{
    /// <summary>What the lookup found.</summary>
    public GeoIpStatus Status { get; init; }

    /// <summary>The decoded record when <see cref="Status"/> is <see cref="GeoIpStatus.Found"/>, else the default.</summary>
    public T? Value { get; init; }

    /// <summary>
    /// Prefix length of the network the answer covers (found or not found): 0–32 for IPv4
    /// addresses, 0–128 for IPv6 ones; 0 for <see cref="GeoIpStatus.NoDatabase"/> and <see cref="GeoIpStatus.Corrupt"/>.
    /// </summary>
    public int PrefixLength { get; init; }

    /// <summary>Why the database could not answer, when <see cref="Status"/> is <see cref="GeoIpStatus.Corrupt"/>.</summary>
    public string? Error { get; init; }

    /// <summary>True when <see cref="Status"/> is <see cref="GeoIpStatus.Found"/>.</summary>
    public bool IsFound => Status == GeoIpStatus.Found;

    internal static GeoIpResult<T> Found(T value, int prefixLength) => new() { Status = GeoIpStatus.Found, Value = value, PrefixLength = prefixLength };

    internal static GeoIpResult<T> NotFound(int prefixLength) => new() { Status = GeoIpStatus.NotFound, PrefixLength = prefixLength };

    internal static GeoIpResult<T> NoDatabase() => new() { Status = GeoIpStatus.NoDatabase };

    internal static GeoIpResult<T> Corrupt(string error) => new() { Status = GeoIpStatus.Corrupt, Error = error };
}
