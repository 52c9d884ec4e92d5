using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json;
using StepUp.Core.GeoIp;

namespace StepUp.Core.Tests.GeoIp;

/// <summary>The MaxMind test databases copied into <c>GeoIp/TestData</c> and the JSON they were built from.</summary>
internal static class GeoIpTestData
{
    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "GeoIp", "TestData");

    private static readonly Dictionary<string, GeoIpDatabase> Cache = new(StringComparer.Ordinal);

    public static string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>Opens (once per test run) a database from the test data folder.</summary>
    public static GeoIpDatabase Open(string file)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(file, out var database))
            {
                database = GeoIpDatabase.Open(PathOf(file));
                Cache[file] = database;
            }

            return database;
        }
    }

    /// <summary>The networks of a MaxMind source JSON file, in insertion order.</summary>
    public static IReadOnlyList<SourceNetwork> Networks(string jsonFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PathOf(jsonFile)));
        var networks = new List<SourceNetwork>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            foreach (var property in entry.EnumerateObject())
            {
                networks.Add(SourceNetwork.Parse(property.Name, property.Value.Clone(), networks.Count));
            }
        }

        return networks;
    }

    public static IPAddress Ip(string text) => IPAddress.Parse(text);
}

/// <summary>
/// One network of a source JSON file. Addresses are kept as 128-bit numbers in IPv6 space
/// (IPv4 networks under <c>::/96</c>), the way the writer inserted them.
/// </summary>
internal sealed record SourceNetwork(string Name, UInt128 Start, int Prefix128, bool IsIpv4, JsonElement Value, int Order)
{
    public static SourceNetwork Parse(string cidr, JsonElement value, int order)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(cidr[..slash]);
        var prefix = int.Parse(cidr[(slash + 1)..], CultureInfo.InvariantCulture);
        var isIpv4 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        var start = ToUInt128(address);
        return new SourceNetwork(cidr, start, isIpv4 ? prefix + 96 : prefix, isIpv4, value, order);
    }

    /// <summary>The first address, in the family the JSON wrote it in.</summary>
    public IPAddress FirstAddress => FromUInt128(Start, IsIpv4);

    public bool Contains(UInt128 address) => Prefix128 == 0 || (address >> (128 - Prefix128)) == (Start >> (128 - Prefix128));

    public static UInt128 ToUInt128(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    public static IPAddress FromUInt128(UInt128 value, bool ipv4)
    {
        var bytes = new byte[16];
        for (var i = 15; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return ipv4 ? new IPAddress(bytes.AsSpan(12, 4)) : new IPAddress(bytes);
    }

    /// <summary>
    /// The network the writer's "last insert replaces" semantics leave in charge of
    /// <paramref name="address"/>, and the prefix length (IPv6 bits) the tree then has there:
    /// later inserts inside the winner split its node even where they do not cover the address.
    /// </summary>
    public static (SourceNetwork Winner, int Prefix128) Resolve(IReadOnlyList<SourceNetwork> networks, UInt128 address)
    {
        var winner = networks.Last(n => n.Contains(address));
        var prefix = winner.Prefix128;
        foreach (var later in networks.Where(n => n.Order > winner.Order && n.Prefix128 > winner.Prefix128 && winner.Contains(n.Start)))
        {
            var common = 128 - (int)UInt128.Log2((later.Start ^ address) | 1) - 1;
            if (!later.Contains(address))
            {
                prefix = Math.Max(prefix, Math.Min(common + 1, later.Prefix128));
            }
        }

        return (winner, prefix);
    }
}

/// <summary>Deep equality between a decoded record and JSON (numbers compared by value).</summary>
internal static class JsonEquivalence
{
    /// <summary>Null when equal, else the path and reason of the first difference.</summary>
    public static string? Difference(JsonElement expected, object? actual, string path = "$")
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                if (actual is not IReadOnlyDictionary<string, object> map)
                {
                    return $"{path}: expected a map, got {Describe(actual)}";
                }

                var keys = expected.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                if (!keys.SetEquals(map.Keys))
                {
                    return $"{path}: keys differ: expected [{string.Join(", ", keys.Order(StringComparer.Ordinal))}], got [{string.Join(", ", map.Keys.Order(StringComparer.Ordinal))}]";
                }

                foreach (var property in expected.EnumerateObject())
                {
                    if (Difference(property.Value, map[property.Name], path + "." + property.Name) is { } d)
                    {
                        return d;
                    }
                }

                return null;
            case JsonValueKind.Array:
                if (actual is not IReadOnlyList<object> list)
                {
                    return $"{path}: expected an array, got {Describe(actual)}";
                }

                if (list.Count != expected.GetArrayLength())
                {
                    return $"{path}: expected {expected.GetArrayLength()} items, got {list.Count}";
                }

                var index = 0;
                foreach (var item in expected.EnumerateArray())
                {
                    if (Difference(item, list[index], $"{path}[{index}]") is { } d)
                    {
                        return d;
                    }

                    index++;
                }

                return null;
            case JsonValueKind.String:
                return actual is string s && s == expected.GetString() ? null : $"{path}: expected \"{expected.GetString()}\", got {Describe(actual)}";
            case JsonValueKind.True:
            case JsonValueKind.False:
                return actual is bool b && b == expected.GetBoolean() ? null : $"{path}: expected {expected.GetBoolean()}, got {Describe(actual)}";
            case JsonValueKind.Number:
                return NumberEquals(expected, actual) ? null : $"{path}: expected {expected.GetRawText()}, got {Describe(actual)}";
            default:
                return $"{path}: unexpected JSON {expected.ValueKind}";
        }
    }

    private static bool NumberEquals(JsonElement expected, object? actual) => actual switch
    {
        double d => expected.GetDouble() == d,
        float f => (float)expected.GetDouble() == f,
        ushort or uint or ulong or int => expected.TryGetDecimal(out var e) && e == Convert.ToDecimal(actual, CultureInfo.InvariantCulture),
        UInt128 u => BigInteger.Parse(expected.GetRawText(), CultureInfo.InvariantCulture) == (BigInteger)u,
        _ => false,
    };

    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\" (string)",
        _ => $"{value} ({value.GetType().Name})",
    };
}
