using System.Net;
using StepUp.Core.GeoIp;
using static StepUp.Core.Tests.GeoIp.MmdbEncode;

namespace StepUp.Core.Tests.GeoIp;

/// <summary>
/// Databases written byte by byte (<see cref="MmdbBuilder"/>) for what the public test files do
/// not cover: 32-bit records, record values above 24 bits, every pointer size, metadata
/// pointers, and hostile shapes built to break naive readers.
/// </summary>
public sealed class GeoIpSyntheticDatabaseTests
{
    [Theory]
    [InlineData(24, 4)]
    [InlineData(28, 4)]
    [InlineData(32, 4)]
    [InlineData(24, 6)]
    [InlineData(28, 6)]
    [InlineData(32, 6)]
    public void Lookup_WalksTree_ForEveryRecordSize(int recordSize, int ipVersion)
    {
        var a = MapOf(("name", Str("a")));
        var b = MapOf(("name", Str("b")));
        var builder = new MmdbBuilder { RecordSize = recordSize, IpVersion = ipVersion }
            .Insert("1.1.1.0/24", 0)
            .Insert("2.0.0.0/8", a.Length);
        if (ipVersion == 6)
        {
            builder.Insert("2001:db8::/32", a.Length);
        }

        var database = GeoIpDatabase.FromBytes(builder.Build([.. a, .. b]));

        Assert.Equal(recordSize, database.Metadata.RecordSize);
        AssertName(database, "1.1.1.9", "a", 24);
        AssertName(database, "2.200.3.4", "b", 8);
        Assert.Equal(GeoIpStatus.NotFound, database.Lookup(IPAddress.Parse("1.1.2.0")).Status);
        if (ipVersion == 6)
        {
            AssertName(database, "2001:db8:1::5", "b", 32);
            AssertName(database, "::1.1.1.1", "a", 120);
        }
    }

    [Theory]
    [InlineData(28)]
    [InlineData(32)]
    public void Lookup_ReadsRecordValuesAbove24Bits(int recordSize)
    {
        // A data section over 16 MiB puts the second record's value above 2^24, so the 28-bit
        // layout's shared middle nibble and the 32-bit layout's top byte are both exercised.
        var low = MapOf(("name", Str("low")));
        var highOffset = (1 << 24) + 100;
        var data = new byte[highOffset + 64];
        low.CopyTo(data, 0);
        MapOf(("name", Str("high"))).CopyTo(data, highOffset);
        var builder = new MmdbBuilder { RecordSize = recordSize };
        var file = MmdbBuilder.Assemble(recordSize, [(1u + 16u, 1u + 16u + (uint)highOffset)], data, builder.Metadata(1));

        var database = GeoIpDatabase.FromBytes(file);

        AssertName(database, "1.2.3.4", "low", 1);
        AssertName(database, "200.2.3.4", "high", 1);
    }

    [Fact]
    public void Lookup_FollowsEveryPointerSize()
    {
        // Strings placed so that each pointer size class is needed: < 2 KiB, < 512 KiB + 2 KiB,
        // above that, and a 32-bit pointer to a small offset.
        var data = new byte[600_000];
        var targets = new[] { 5, 3_000, 530_000, 17 };
        var names = new[] { "size0", "size1", "size2", "size3" };
        for (var i = 0; i < targets.Length; i++)
        {
            Str(names[i]).CopyTo(data, targets[i]);
        }

        byte[] record = MapOf(
            ("p0", Ptr(targets[0], 0)),
            ("p1", Ptr(targets[1], 1)),
            ("p2", Ptr(targets[2], 2)),
            ("p3", Ptr(targets[3], 3)));
        var top = 560_000;
        record.CopyTo(data, top);

        var result = GeoIpDatabase.FromBytes(MmdbBuilder.SingleRecord(data, top)).Lookup(IPAddress.Parse("9.9.9.9"));

        Assert.Equal(GeoIpStatus.Found, result.Status);
        Assert.Equal(
            new Dictionary<string, object> { ["p0"] = "size0", ["p1"] = "size1", ["p2"] = "size2", ["p3"] = "size3" },
            (IReadOnlyDictionary<string, object>)result.Value!);
    }

    [Fact]
    public void Lookup_FollowsPointersToKeysMapsAndRecords()
    {
        // Offset 0: a shared key string; then a shared inner map; the record uses pointers for
        // a key, a value, and the tree record points at a pointer to the record.
        var key = Str("shared");
        var inner = MapOf(("x", U32(7)));
        byte[] record = [.. Header(MapType, 2), .. Ptr(0, 0), .. Ptr(key.Length, 0), .. Str("own"), .. U16(3)];
        var recordAt = key.Length + inner.Length;
        byte[] data = [.. key, .. inner, .. record, .. Ptr(recordAt, 3)];

        var result = GeoIpDatabase.FromBytes(MmdbBuilder.SingleRecord(data, data.Length - 5)).Lookup(IPAddress.Parse("1.1.1.1"));

        var map = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(result.Value);
        Assert.Equal(7u, ((IReadOnlyDictionary<string, object>)map["shared"])["x"]);
        Assert.Equal((ushort)3, map["own"]);
    }

    [Fact]
    public void Lookup_DecodesShortSignedAndLongUnsignedIntegers()
    {
        byte[] data = MapOf(
            ("i32short", [.. Header(Int32Type, 2), 0xFF, 0xFE]),
            ("i32neg", I32(-1)),
            ("u64", U64(0x0102030405060708)),
            ("u128", [.. Header(UInt128Type, 16), .. Enumerable.Repeat((byte)0xAB, 16)]),
            ("nan", Dbl(double.NaN)),
            ("bytes", Raw([1, 2, 3])));

        var map = (IReadOnlyDictionary<string, object>)GeoIpDatabase.FromBytes(MmdbBuilder.SingleRecord(data, 0)).Lookup(IPAddress.Loopback).Value!;

        Assert.Equal(0xFFFE, map["i32short"]);
        Assert.Equal(-1, map["i32neg"]);
        Assert.Equal(0x0102030405060708UL, map["u64"]);
        Assert.Equal(UInt128.Parse("ABABABABABABABABABABABABABABABAB", System.Globalization.NumberStyles.HexNumber, null), map["u128"]);
        Assert.True(double.IsNaN((double)map["nan"]));
        Assert.Equal(new byte[] { 1, 2, 3 }, map["bytes"]);
    }

    [Fact]
    public void Open_ReadsMetadataThroughPointers()
    {
        // Metadata pointers are relative to the start of the metadata section; offset 0 is the
        // map itself, so the description points at the database_type string inside it.
        var typeValueAt = Header(MapType, 8).Length + Str("database_type").Length;
        var metadata = MapOf(
            ("database_type", Str("Pointed-To")),
            ("description", MapOf(("en", Ptr(typeValueAt, 0)))),
            ("binary_format_major_version", U16(2)),
            ("binary_format_minor_version", U16(0)),
            ("build_epoch", U64(1)),
            ("ip_version", U16(4)),
            ("node_count", U32(1)),
            ("record_size", U16(24)));
        var file = MmdbBuilder.Assemble(24, [(17, 17)], MapOf(), metadata);

        var database = GeoIpDatabase.FromBytes(file);

        Assert.Equal("Pointed-To", database.Metadata.Description["en"]);
        Assert.Empty(database.Metadata.Languages);
    }

    public static TheoryData<string, byte[], int> HostileRecords()
    {
        var data = new TheoryData<string, byte[], int>();

        // A map whose value points back at the map: only the depth bound stops it.
        data.Add("pointer cycle", [.. Header(MapType, 1), .. Str("self"), .. Ptr(0, 0)], 0);
        data.Add("pointer to pointer", [.. Ptr(2, 0), .. Ptr(4, 0), .. Str("x")], 0);
        data.Add("pointer past data", [.. Header(MapType, 1), .. Str("k"), .. Ptr(2_000, 0)], 0);
        data.Add("nesting 200 deep", [.. Enumerable.Range(0, 200).SelectMany(_ => Header(ArrayType, 1)), .. U16(1)], 0);
        data.Add("map of 16M pairs", [.. Header(MapType, 16_000_000), .. Str("k"), .. U16(1)], 0);
        data.Add("array of 16M items", [.. Header(ArrayType, 16_000_000), .. U16(1)], 0);
        data.Add("string past end", [.. Header(StringType, 500), .. "abc"u8], 0);
        data.Add("bytes past end", [.. Header(BytesType, 70_000), 1, 2], 0);
        data.Add("invalid utf-8", Str([0x61, 0xFF, 0xFE]), 0);
        data.Add("key not a string", [.. Header(MapType, 1), .. U16(1), .. U16(2)], 0);
        data.Add("extended type 7", [0x00, 0x00], 0);
        data.Add("extended type 16", [0x00, 0x09], 0);
        data.Add("data cache container", Header(ContainerType, 0), 0);
        data.Add("end marker", Header(EndMarkerType, 0), 0);
        data.Add("double of 4 bytes", [.. Header(DoubleType, 4), 0, 0, 0, 0], 0);
        data.Add("float of 8 bytes", [.. Header(FloatType, 8), 0, 0, 0, 0, 0, 0, 0, 0], 0);
        data.Add("uint16 of 3 bytes", [.. Header(UInt16Type, 3), 1, 2, 3], 0);
        data.Add("uint128 of 17 bytes", [.. Header(UInt128Type, 17), .. new byte[17]], 0);
        data.Add("boolean of size 2", Header(BooleanType, 2), 0);
        data.Add("size bytes cut off", [0x5F, 0x01], 0);
        data.Add("pointer cut off", [0x38, 0x00], 0);

        // Fan-out: 40 levels of arrays each holding two pointers to the level below is 2^40
        // decodes for a reader that re-decodes shared targets (MaxMind pointer DoS fixture).
        var fanOut = new List<byte>(U16(0));
        var previous = 0;
        for (var level = 0; level < 40; level++)
        {
            var offset = fanOut.Count;
            fanOut.AddRange([.. Header(ArrayType, 2), .. Ptr(previous, 0), .. Ptr(previous, 0)]);
            previous = offset;
        }

        data.Add("pointer fan-out", [.. fanOut], previous);

        // Payload amplification: 8,192 pointers to one 65,535-byte string would copy 512 MiB.
        var big = Str(new string('a', 65_535));
        data.Add("payload amplification", [.. big, .. Header(ArrayType, 8_192), .. Enumerable.Range(0, 8_192).SelectMany(_ => Ptr(0, 0))], big.Length);
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileRecords))]
    public void Lookup_ReturnsCorrupt_ForHostileRecord(string name, byte[] data, int top)
    {
        var database = GeoIpDatabase.FromBytes(MmdbBuilder.SingleRecord(data, top));
        var lookup = new GeoIpLookup(database, database, database);
        var address = IPAddress.Parse("1.2.3.4");

        var result = RunBounded(() => database.Lookup(address));

        Assert.True(result.Status == GeoIpStatus.Corrupt, $"{name}: {result.Status}");
        Assert.False(string.IsNullOrEmpty(result.Error));

        // The projections either report the damage or (when they do not read it) answer.
        Assert.NotEqual(GeoIpStatus.NotFound, RunBounded(() => lookup.City(address)).Status);
        Assert.NotEqual(GeoIpStatus.NotFound, RunBounded(() => lookup.Asn(address)).Status);
        Assert.NotEqual(GeoIpStatus.NotFound, RunBounded(() => lookup.AnonymousIp(address)).Status);
    }

    [Theory]
    [InlineData(ArrayType)]
    [InlineData(MapType)]
    public void Lookup_DecodesNestingAtTheDepthBound_OnSmallStack(int container)
    {
        // 128 nested containers (around the leaf) is the deepest accepted; decoding them must fit a
        // 256 KiB thread stack (smaller than any .NET default) even in a Debug build, so the bound,
        // not the stack, is what stops deeper data.
        var level = container == ArrayType ? Header(ArrayType, 1) : [.. Header(MapType, 1), .. Str("k")];
        byte[] data = [.. Enumerable.Range(0, 128).SelectMany(_ => level), .. U16(1)];
        var database = GeoIpDatabase.FromBytes(MmdbBuilder.SingleRecord(data, 0));
        var result = default(GeoIpResult<object>);

        var thread = new Thread(() => result = database.Lookup(IPAddress.Loopback), 256 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)));

        Assert.Equal(GeoIpStatus.Found, result.Status);
        var deeper = GeoIpDatabase.FromBytes(MmdbBuilder.SingleRecord([.. level, .. data], 0)).Lookup(IPAddress.Loopback);
        Assert.Equal(GeoIpStatus.Corrupt, deeper.Status);
        Assert.Contains("deeper than 128", deeper.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void City_ReturnsCorrupt_WhenReadFieldIsMalformed()
    {
        byte[] data = MapOf(("location", MapOf(("latitude", [.. Header(DoubleType, 3), 1, 2, 3]))));

        var result = new GeoIpLookup(GeoIpDatabase.FromBytes(MmdbBuilder.SingleRecord(data, 0)), null, null).City(IPAddress.Loopback);

        Assert.Equal(GeoIpStatus.Corrupt, result.Status);
        Assert.Contains("double", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void City_TreatsFieldsOfUnexpectedTypeAsAbsent()
    {
        byte[] data = MapOf(
            ("country", Str("not a map")),
            ("city", MapOf(("names", MapOf(("en", U16(5)))))),
            ("location", MapOf(("latitude", Flt(1.5f)), ("longitude", Str("east")))));

        var result = new GeoIpLookup(GeoIpDatabase.FromBytes(MmdbBuilder.SingleRecord(data, 0)), null, null).City(IPAddress.Loopback);

        Assert.Equal(GeoIpStatus.Found, result.Status);
        Assert.Equal(new GeoIpCity(null, null, 1.5, null), result.Value);
    }

    public static TheoryData<string, uint[]> BrokenTrees => new()
    {
        // node 0 points at itself: the walk must stop after the address's bits.
        { "self loop", [0, 0] },
        { "record into separator", [2, 2] },
        { "record past data", [1 + 16 + 1_000, 1 + 16 + 1_000] },
    };

    [Theory]
    [MemberData(nameof(BrokenTrees))]
    public void Lookup_ReturnsCorrupt_ForBrokenTree(string name, uint[] records)
    {
        var file = MmdbBuilder.Assemble(24, [(records[0], records[1])], MapOf(), new MmdbBuilder().Metadata(1));
        var database = GeoIpDatabase.FromBytes(file);

        Assert.Equal(GeoIpStatus.Corrupt, database.Lookup(IPAddress.Parse("1.2.3.4")).Status);
        Assert.Equal(GeoIpStatus.Corrupt, database.Lookup(IPAddress.Parse("200.2.3.4")).Status);
        Assert.False(string.IsNullOrEmpty(name));
    }

    public static TheoryData<string, string, byte[]?> BadMetadata => new()
    {
        { "node_count", "missing", null },
        { "node_count", "not an unsigned integer", Str("12") },
        { "record_size", "not supported", U16(16) },
        { "ip_version", "not 4 or 6", U16(5) },
        { "binary_format_major_version", "not supported", U16(3) },
        { "database_type", "missing", null },
        { "languages", "not an array of strings", ArrayOf(U16(1)) },
        { "description", "not a map of strings", MapOf(("en", U16(1))) },
        { "build_epoch", "missing", null },
        { "node_count", "search tree", U32(1_000_000) },
    };

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public void Open_Throws_ForBadMetadata(string key, string message, byte[]? value)
    {
        var builder = new MmdbBuilder();
        builder.MetadataOverrides[key] = value;
        var file = MmdbBuilder.Assemble(24, [(17, 17)], MapOf(), builder.Metadata(1));

        var error = Assert.Throws<GeoIpFormatException>(() => GeoIpDatabase.FromBytes(file));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0xAB, 0xCD, 0xEF, (byte)'M', (byte)'a', (byte)'x', (byte)'M', (byte)'i', (byte)'n', (byte)'d', (byte)'.', (byte)'c', (byte)'o', (byte)'m' })]
    public void Open_Throws_ForNonDatabaseBytes(byte[] bytes)
    {
        Assert.Throws<GeoIpFormatException>(() => GeoIpDatabase.FromBytes(bytes));
    }

    [Fact]
    public void Open_Throws_WhenMetadataIsNotAMap()
    {
        byte[] file = [.. MmdbBuilder.Marker, .. U16(4)];

        var error = Assert.Throws<GeoIpFormatException>(() => GeoIpDatabase.FromBytes(file));

        Assert.Contains("not a map", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Throws_WithPath_ForMalformedFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"stepup-geoip-{Guid.NewGuid():N}.mmdb");
        File.WriteAllBytes(path, [1, 2, 3]);
        try
        {
            var error = Assert.Throws<GeoIpFormatException>(() => GeoIpDatabase.Open(path));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Open_FindsLastMetadataMarker_WhenDataContainsOne()
    {
        var file = MmdbBuilder.Assemble(24, [(17, 17)], Raw(MmdbBuilder.Marker), new MmdbBuilder().Metadata(1));

        var result = GeoIpDatabase.FromBytes(file).Lookup(IPAddress.Loopback);

        Assert.Equal(MmdbBuilder.Marker, Assert.IsType<byte[]>(result.Value));
    }

    private static void AssertName(GeoIpDatabase database, string ip, string name, int prefix)
    {
        var result = database.Lookup(IPAddress.Parse(ip));
        Assert.Equal(GeoIpStatus.Found, result.Status);
        Assert.Equal(name, ((IReadOnlyDictionary<string, object>)result.Value!)["name"]);
        Assert.Equal(prefix, result.PrefixLength);
    }

    private static T RunBounded<T>(Func<T> action)
    {
        var task = Task.Run(action);
        Assert.True(task.Wait(TimeSpan.FromSeconds(10)), "lookup did not finish within 10 s");
        return task.Result;
    }
}
