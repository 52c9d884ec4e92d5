using System.Buffers.Binary;

namespace StepUp.Core.Risk;

/// <summary>
/// What StepUp remembers of one subject to compute its risk signals (SPEC §5): the devices it
/// verified a step-up on, the countries and IP addresses it used, and its last located event.
/// Bounded (at most <see cref="MaxDevices"/>, <see cref="MaxCountries"/> and <see cref="MaxIps"/>
/// entries, the least recently seen replaced first) and compact: under 1 KB in memory and about
/// 700 bytes serialised. Devices and addresses are kept as 64-bit FNV-1a hashes, never in clear.
/// Not thread-safe: <see cref="RiskEngine"/> locks it.
/// </summary>
public sealed class SubjectRiskProfile
{
    public const int MaxDevices = 16;
    public const int MaxCountries = 8;
    public const int MaxIps = 16;
    private const byte FormatVersion = 1;

    private readonly List<Seen> _devices = new(2);
    private readonly List<Seen> _countries = new(1);
    private readonly List<Seen> _ips = new(2);

    /// <summary>Whether the subject used any place (IP or country) yet: "new" needs a history.</summary>
    public bool HasPlaces => _ips.Count > 0 || _countries.Count > 0;

    /// <summary>The last located event, if any.</summary>
    public Location? LastLocation { get; private set; }

    /// <summary>Changed since <see cref="MarkSaved"/>.</summary>
    public bool Dirty { get; private set; }

    public int DeviceCount => _devices.Count;

    public int CountryCount => _countries.Count;

    public int IpCount => _ips.Count;

    public bool KnowsDevice(string deviceId, long sinceUnix) => Knows(_devices, DeviceKey(deviceId), sinceUnix);

    public bool KnowsCountry(string country, long sinceUnix) => Knows(_countries, CountryKey(country), sinceUnix);

    public bool KnowsIp(string ip, long sinceUnix) => Knows(_ips, Fnv1a(ip), sinceUnix);

    public void RememberDevice(string deviceId, long atUnix) => Remember(_devices, DeviceKey(deviceId), atUnix, MaxDevices);

    public void RememberCountry(string country, long atUnix) => Remember(_countries, CountryKey(country), atUnix, MaxCountries);

    public void RememberIp(string ip, long atUnix) => Remember(_ips, Fnv1a(ip), atUnix, MaxIps);

    public void Locate(Location location)
    {
        LastLocation = location;
        Dirty = true;
    }

    public void MarkSaved() => Dirty = false;

    /// <summary>Marks the profile changed (a save that failed is retried).</summary>
    public void Touch() => Dirty = true;

    /// <summary>The profile as bytes for storage.</summary>
    public byte[] Serialize()
    {
        var size = 1 + 3 + (16 * (_devices.Count + _countries.Count + _ips.Count)) + 1 + 24;
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        span[0] = FormatVersion;
        var offset = 1;
        foreach (var list in (ReadOnlySpan<List<Seen>>)[_devices, _countries, _ips])
        {
            span[offset++] = (byte)list.Count;
        }

        foreach (var list in (ReadOnlySpan<List<Seen>>)[_devices, _countries, _ips])
        {
            foreach (var seen in list)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], seen.Key);
                BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 8)..], seen.At);
                offset += 16;
            }
        }

        if (LastLocation is { } location)
        {
            span[offset] = 1;
            BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 1)..], location.Latitude);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(offset + 9)..], location.Longitude);
            BinaryPrimitives.WriteInt64LittleEndian(span[(offset + 17)..], location.AtUnix);
        }

        return bytes;
    }

    /// <summary>
    /// A profile read back from <see cref="Serialize"/>'s bytes. Bytes that do not parse give an
    /// empty profile: everything then looks new, the stricter outcome.
    /// </summary>
    public static SubjectRiskProfile Deserialize(ReadOnlySpan<byte> bytes)
    {
        var profile = new SubjectRiskProfile();
        if (bytes.Length < 5 || bytes[0] != FormatVersion)
        {
            return profile;
        }

        int devices = bytes[1], countries = bytes[2], ips = bytes[3];
        if (devices > MaxDevices || countries > MaxCountries || ips > MaxIps ||
            bytes.Length != 4 + (16 * (devices + countries + ips)) + 1 + 24)
        {
            return profile;
        }

        var offset = 4;
        foreach (var (list, count) in new[] { (profile._devices, devices), (profile._countries, countries), (profile._ips, ips) })
        {
            for (var i = 0; i < count; i++, offset += 16)
            {
                list.Add(new Seen(BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[(offset + 8)..])));
            }
        }

        if (bytes[offset] == 1)
        {
            var latitude = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(offset + 1)..]);
            var longitude = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(offset + 9)..]);
            if (latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180)
            {
                profile.LastLocation = new Location(latitude, longitude, BinaryPrimitives.ReadInt64LittleEndian(bytes[(offset + 17)..]));
            }
        }

        return profile;
    }

    private static bool Knows(List<Seen> list, ulong key, long sinceUnix)
    {
        foreach (var seen in list)
        {
            if (seen.Key == key)
            {
                return seen.At >= sinceUnix;
            }
        }

        return false;
    }

    private void Remember(List<Seen> list, ulong key, long atUnix, int max)
    {
        Dirty = true;
        var oldest = -1;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Key == key)
            {
                list[i] = new Seen(key, Math.Max(atUnix, list[i].At));
                return;
            }

            if (oldest < 0 || list[i].At < list[oldest].At)
            {
                oldest = i;
            }
        }

        if (list.Count < max)
        {
            list.Add(new Seen(key, atUnix));
        }
        else
        {
            list[oldest] = new Seen(key, atUnix);
        }
    }

    private static ulong DeviceKey(string deviceId) => Fnv1a(deviceId);

    /// <summary>An ISO country code, hashed like the rest (case-insensitive).</summary>
    private static ulong CountryKey(string country) => Fnv1a(country.ToUpperInvariant());

    /// <summary>64-bit FNV-1a over the UTF-16 code units: stable across processes, no allocation.</summary>
    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }

        return hash;
    }

    private readonly record struct Seen(ulong Key, long At);
}

/// <summary>Where and when a subject was located (unix seconds).</summary>
public readonly record struct Location(double Latitude, double Longitude, long AtUnix);
