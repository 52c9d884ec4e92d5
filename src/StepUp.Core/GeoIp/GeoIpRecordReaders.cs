using System.Buffers.Binary;
using System.Text;

namespace StepUp.Core.GeoIp;

/// <summary>
/// Turns the data-section value at an offset into a lookup result value; throws
/// <see cref="GeoIpFormatException"/>. Implementations are structs so each lookup path is
/// compiled for its reader rather than shared.
/// </summary>
internal interface IRecordReader<T>
{
    static abstract T Read(ReadOnlySpan<byte> data, int offset);
}

/// <summary>The whole record as an object graph.</summary>
internal readonly struct FullRecord : IRecordReader<object>
{
    public static object Read(ReadOnlySpan<byte> data, int offset) => MmdbDecoder.Decode(data, offset);
}

/// <summary>
/// City fields, read by walking the record map and skipping every value it does not need, so a
/// lookup allocates only the city name. A field of an unexpected type is treated as absent.
/// </summary>
internal readonly struct CityRecord : IRecordReader<GeoIpCity>
{
    public static GeoIpCity Read(ReadOnlySpan<byte> data, int offset)
    {
        var budget = MmdbBudget.Create();
        string? country = null;
        string? city = null;
        double? latitude = null;
        double? longitude = null;
        var wanted = 3;
        var map = new RecordMap(data, offset, ref budget);
        while (wanted > 0 && map.Next(data, ref budget, out var key, out var value))
        {
            if (key.SequenceEqual("country"u8))
            {
                wanted--;
                country = RecordMap.IsoCode(data, RecordMap.Find(data, value, "iso_code"u8, ref budget), ref budget);
            }
            else if (key.SequenceEqual("city"u8))
            {
                wanted--;
                var names = RecordMap.Find(data, value, "names"u8, ref budget);
                city = RecordMap.String(data, RecordMap.Find(data, names, "en"u8, ref budget), ref budget);
            }
            else if (key.SequenceEqual("location"u8))
            {
                wanted--;
                var location = new RecordMap(data, value, ref budget);
                while ((latitude is null || longitude is null) && location.Next(data, ref budget, out var locationKey, out var locationValue))
                {
                    if (locationKey.SequenceEqual("latitude"u8))
                    {
                        latitude = RecordMap.Double(data, locationValue);
                    }
                    else if (locationKey.SequenceEqual("longitude"u8))
                    {
                        longitude = RecordMap.Double(data, locationValue);
                    }
                }
            }
        }

        return new GeoIpCity(country, city, latitude, longitude);
    }
}

/// <summary>ASN fields.</summary>
internal readonly struct AsnRecord : IRecordReader<GeoIpAsn>
{
    public static GeoIpAsn Read(ReadOnlySpan<byte> data, int offset)
    {
        var budget = MmdbBudget.Create();
        uint? number = null;
        string? organization = null;
        var wanted = 2;
        var map = new RecordMap(data, offset, ref budget);
        while (wanted > 0 && map.Next(data, ref budget, out var key, out var value))
        {
            if (key.SequenceEqual("autonomous_system_number"u8))
            {
                wanted--;
                var n = RecordMap.Unsigned(data, value);
                number = n <= uint.MaxValue ? (uint?)n : null;
            }
            else if (key.SequenceEqual("autonomous_system_organization"u8))
            {
                wanted--;
                organization = RecordMap.String(data, value, ref budget);
            }
        }

        return new GeoIpAsn(number, organization);
    }
}

/// <summary>Anonymous-IP flags.</summary>
internal readonly struct AnonymousIpRecord : IRecordReader<GeoIpAnonymousIp>
{
    public static GeoIpAnonymousIp Read(ReadOnlySpan<byte> data, int offset)
    {
        var budget = MmdbBudget.Create();
        var result = default(GeoIpAnonymousIp);
        var map = new RecordMap(data, offset, ref budget);
        while (map.Next(data, ref budget, out var key, out var value))
        {
            if (key.SequenceEqual("is_anonymous"u8))
            {
                result = result with { IsAnonymous = RecordMap.Boolean(data, value) };
            }
            else if (key.SequenceEqual("is_anonymous_vpn"u8))
            {
                result = result with { IsAnonymousVpn = RecordMap.Boolean(data, value) };
            }
            else if (key.SequenceEqual("is_hosting_provider"u8))
            {
                result = result with { IsHostingProvider = RecordMap.Boolean(data, value) };
            }
            else if (key.SequenceEqual("is_public_proxy"u8))
            {
                result = result with { IsPublicProxy = RecordMap.Boolean(data, value) };
            }
            else if (key.SequenceEqual("is_tor_exit_node"u8))
            {
                result = result with { IsTorExitNode = RecordMap.Boolean(data, value) };
            }
            else if (key.SequenceEqual("is_residential_proxy"u8))
            {
                result = result with { IsResidentialProxy = RecordMap.Boolean(data, value) };
            }
        }

        return result;
    }
}

/// <summary>
/// Iterates the entries of the map at an offset (through one pointer) without decoding values:
/// each step yields the key bytes and the offset of the value; the value is skipped on the next step.
/// A value that is not a map iterates as empty. Offsets of -1 mean "absent" throughout.
/// </summary>
internal struct RecordMap
{
    private static readonly string?[] IsoCodes = new string?[26 * 26];

    private readonly int _count;
    private int _index;
    private int _pos;
    private int _pendingValue;

    public RecordMap(ReadOnlySpan<byte> data, int offset, ref MmdbBudget budget)
    {
        _pendingValue = -1;
        if (offset < 0)
        {
            return;
        }

        var field = MmdbData.Deref(data, offset);
        if (field.Type != MmdbType.Map)
        {
            return;
        }

        MmdbData.CheckCount(data, field, budget);
        _count = field.Size;
        _pos = field.Payload;
    }

    public bool Next(ReadOnlySpan<byte> data, ref MmdbBudget budget, out ReadOnlySpan<byte> key, out int value)
    {
        budget.TakeValue();
        if (_index >= _count)
        {
            key = default;
            value = -1;
            return false;
        }

        // The previous value is skipped only when the caller moves on, so a caller that stops at
        // the entry it wanted never walks that value at all.
        if (_pendingValue >= 0)
        {
            _pos = MmdbData.Skip(data, _pendingValue, ref budget);
        }

        _index++;
        key = MmdbData.ReadKey(data, ref _pos);
        value = _pos;
        _pendingValue = _pos;
        return true;
    }

    /// <summary>The offset of the value under <paramref name="key"/> in the map at <paramref name="offset"/>, or -1.</summary>
    public static int Find(ReadOnlySpan<byte> data, int offset, ReadOnlySpan<byte> key, ref MmdbBudget budget)
    {
        var map = new RecordMap(data, offset, ref budget);
        while (map.Next(data, ref budget, out var candidate, out var value))
        {
            if (candidate.SequenceEqual(key))
            {
                return value;
            }
        }

        return -1;
    }

    public static string? String(ReadOnlySpan<byte> data, int offset, ref MmdbBudget budget)
    {
        if (offset < 0)
        {
            return null;
        }

        var field = MmdbData.Deref(data, offset);
        return field.Type == MmdbType.Utf8String
            ? MmdbDecoder.DecodeString(MmdbData.Payload(data, field), field.Payload, ref budget)
            : null;
    }

    /// <summary>A string, shared for two-letter upper-case codes so country lookups do not allocate.</summary>
    public static string? IsoCode(ReadOnlySpan<byte> data, int offset, ref MmdbBudget budget)
    {
        if (offset < 0)
        {
            return null;
        }

        var field = MmdbData.Deref(data, offset);
        if (field.Type != MmdbType.Utf8String)
        {
            return null;
        }

        var bytes = MmdbData.Payload(data, field);
        if (bytes.Length == 2 && (uint)(bytes[0] - 'A') < 26 && (uint)(bytes[1] - 'A') < 26)
        {
            var index = ((bytes[0] - 'A') * 26) + (bytes[1] - 'A');
            return IsoCodes[index] ??= Encoding.ASCII.GetString(bytes);
        }

        return MmdbDecoder.DecodeString(bytes, field.Payload, ref budget);
    }

    public static double? Double(ReadOnlySpan<byte> data, int offset)
    {
        var field = MmdbData.Deref(data, offset);
        if (field.Type is not (MmdbType.Double or MmdbType.Float))
        {
            return null;
        }

        MmdbData.CheckScalar(data, field);
        var payload = data.Slice(field.Payload, field.Size);
        return field.Type == MmdbType.Double
            ? BinaryPrimitives.ReadDoubleBigEndian(payload)
            : BinaryPrimitives.ReadSingleBigEndian(payload);
    }

    public static ulong? Unsigned(ReadOnlySpan<byte> data, int offset)
    {
        var field = MmdbData.Deref(data, offset);
        if (field.Type is not (MmdbType.UInt16 or MmdbType.UInt32 or MmdbType.UInt64))
        {
            return null;
        }

        MmdbData.CheckScalar(data, field);
        return MmdbData.ReadUnsigned(data.Slice(field.Payload, field.Size));
    }

    public static bool Boolean(ReadOnlySpan<byte> data, int offset)
    {
        var field = MmdbData.Deref(data, offset);
        if (field.Type != MmdbType.Boolean)
        {
            return false;
        }

        MmdbData.CheckScalar(data, field);
        return field.Size == 1;
    }
}
