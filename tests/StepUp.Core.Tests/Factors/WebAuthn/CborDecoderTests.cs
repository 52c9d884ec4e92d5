using StepUp.Core.Factors.WebAuthn.Cbor;

namespace StepUp.Core.Tests.Factors.WebAuthn;

public sealed class CborDecoderTests
{
    private static CborValue Decode(string hex)
    {
        var error = CborDecoder.DecodeExact(Convert.FromHexString(hex), out var value);
        Assert.Equal(CborError.None, error);
        return value!;
    }

    // RFC 8949 Appendix A, the examples within the WebAuthn subset.
    [Theory]
    [InlineData("00", 0L)]
    [InlineData("01", 1L)]
    [InlineData("0a", 10L)]
    [InlineData("17", 23L)]
    [InlineData("1818", 24L)]
    [InlineData("1819", 25L)]
    [InlineData("1864", 100L)]
    [InlineData("1903e8", 1000L)]
    [InlineData("1a000f4240", 1000000L)]
    [InlineData("1b000000e8d4a51000", 1000000000000L)]
    [InlineData("20", -1L)]
    [InlineData("29", -10L)]
    [InlineData("3863", -100L)]
    [InlineData("3903e7", -1000L)]
    public void Decode_ReadsRfc8949Integers(string hex, long expected)
    {
        Assert.True(Decode(hex).TryGetInt64(out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Decode_ReadsFullUnsignedAndNegativeRange()
    {
        var max = Decode("1bffffffffffffffff");
        Assert.Equal(CborKind.UnsignedInteger, max.Kind);
        Assert.Equal(ulong.MaxValue, max.Argument);
        Assert.False(max.TryGetInt64(out _));

        var min = Decode("3bffffffffffffffff"); // -18446744073709551616
        Assert.Equal(CborKind.NegativeInteger, min.Kind);
        Assert.Equal(ulong.MaxValue, min.Argument);
        Assert.False(min.TryGetInt64(out _));
    }

    [Theory]
    [InlineData("60", "")]
    [InlineData("6161", "a")]
    [InlineData("6449455446", "IETF")]
    [InlineData("62225c", "\"\\")]
    [InlineData("62c3bc", "\u00fc")]
    [InlineData("63e6b0b4", "\u6c34")]
    [InlineData("64f0908591", "\U00010151")]
    public void Decode_ReadsRfc8949TextStrings(string hex, string expected)
    {
        var value = Decode(hex);
        Assert.Equal(CborKind.TextString, value.Kind);
        Assert.Equal(expected, value.Text);
    }

    [Fact]
    public void Decode_ReadsRfc8949SimpleValuesAndByteStrings()
    {
        Assert.Equal(CborKind.False, Decode("f4").Kind);
        Assert.Equal(CborKind.True, Decode("f5").Kind);
        Assert.Equal(CborKind.Null, Decode("f6").Kind);
        Assert.Equal(0, Decode("40").Bytes.Length);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, Decode("4401020304").Bytes.ToArray());
    }

    [Fact]
    public void Decode_ReadsRfc8949ArraysAndMaps()
    {
        Assert.Empty(Decode("80").Items);
        Assert.Equal(3, Decode("83010203").Items.Count);
        var nested = Decode("8301820203820405");
        Assert.Equal(2, nested.Items[1].Items.Count);
        Assert.True(nested.Items[2].Items[1].TryGetInt64(out var five) && five == 5);

        var twentyFive = Decode("98190102030405060708090a0b0c0d0e0f101112131415161718181819");
        Assert.Equal(25, twentyFive.Items.Count);

        Assert.Empty(Decode("a0").Entries);
        var map = Decode("a201020304");
        Assert.True(map.Get(3)!.TryGetInt64(out var four) && four == 4);

        var mixed = Decode("a26161016162820203");
        Assert.Equal(2, mixed.Get("b")!.Items.Count);
        Assert.Equal("c", Decode("826161a161626163").Items[1].Get("b")!.Text);
    }

    [Theory]
    [InlineData("f90000", nameof(CborError.UnsupportedType))] // half float
    [InlineData("fa47c35000", nameof(CborError.UnsupportedType))] // single float
    [InlineData("fb3ff199999999999a", nameof(CborError.UnsupportedType))] // double
    [InlineData("f7", nameof(CborError.UnsupportedType))] // undefined
    [InlineData("f0", nameof(CborError.UnsupportedType))] // simple(16)
    [InlineData("f8ff", nameof(CborError.UnsupportedType))] // simple(255)
    [InlineData("c074323031332d30332d32315432303a30343a30305a", nameof(CborError.UnsupportedType))] // tag 0
    [InlineData("d818456449455446", nameof(CborError.UnsupportedType))] // tag 24
    [InlineData("5f42010243030405ff", nameof(CborError.IndefiniteLength))]
    [InlineData("7f657374726561646d696e67ff", nameof(CborError.IndefiniteLength))]
    [InlineData("9fff", nameof(CborError.IndefiniteLength))]
    [InlineData("bf61610161629f0203ffff", nameof(CborError.IndefiniteLength))]
    [InlineData("ff", nameof(CborError.IndefiniteLength))]
    [InlineData("1c", nameof(CborError.ReservedAdditionalInfo))]
    [InlineData("5d", nameof(CborError.ReservedAdditionalInfo))]
    [InlineData("fe", nameof(CborError.ReservedAdditionalInfo))]
    [InlineData("dc", nameof(CborError.ReservedAdditionalInfo))]
    [InlineData("", nameof(CborError.Truncated))]
    [InlineData("18", nameof(CborError.Truncated))]
    [InlineData("1901", nameof(CborError.Truncated))]
    [InlineData("1b00000000000000", nameof(CborError.Truncated))]
    [InlineData("440102", nameof(CborError.Truncated))]
    [InlineData("6261", nameof(CborError.Truncated))]
    [InlineData("8201", nameof(CborError.Truncated))]
    [InlineData("a101", nameof(CborError.Truncated))]
    [InlineData("5bffffffffffffffff00", nameof(CborError.Truncated))] // 2^64-1 byte string
    [InlineData("7b7fffffffffffffff00", nameof(CborError.Truncated))]
    [InlineData("5a7fffffff00", nameof(CborError.Truncated))]
    [InlineData("9bffffffffffffffff00", nameof(CborError.Truncated))] // 2^64-1 items
    [InlineData("bbffffffffffffffff0000", nameof(CborError.Truncated))]
    [InlineData("9a0000000200", nameof(CborError.Truncated))]
    [InlineData("a201020103", nameof(CborError.DuplicateMapKey))]
    [InlineData("a20102180103", nameof(CborError.DuplicateMapKey))] // same key, non-preferred encoding
    [InlineData("a2616101616102", nameof(CborError.DuplicateMapKey))]
    [InlineData("a22001", nameof(CborError.Truncated))]
    [InlineData("a220012001", nameof(CborError.DuplicateMapKey))]
    [InlineData("a14001", nameof(CborError.InvalidMapKey))]
    [InlineData("a1f501", nameof(CborError.InvalidMapKey))]
    [InlineData("a1800001", nameof(CborError.InvalidMapKey))]
    [InlineData("62c328", nameof(CborError.InvalidUtf8))]
    [InlineData("63eda080", nameof(CborError.InvalidUtf8))] // a UTF-16 surrogate
    [InlineData("62c0af", nameof(CborError.InvalidUtf8))] // overlong '/'
    [InlineData("0000", nameof(CborError.TrailingBytes))]
    public void Decode_RefusesOutsideTheSubset(string hex, string expected)
    {
        Assert.Equal(expected, CborDecoder.DecodeExact(Convert.FromHexString(hex), out var value).ToString());
        Assert.Null(value);
    }

    [Fact]
    public void Decode_AcceptsNestingUpToTheLimit_AndRefusesDeeper()
    {
        var ok = Enumerable.Repeat((byte)0x81, CborDecoder.MaxDepth).Append((byte)0x00).ToArray();
        Assert.Equal(CborError.None, CborDecoder.DecodeExact(ok, out _));

        var deep = Enumerable.Repeat((byte)0x81, CborDecoder.MaxDepth + 1).Append((byte)0x00).ToArray();
        Assert.Equal(CborError.DepthExceeded, CborDecoder.DecodeExact(deep, out _));

        var deepMaps = Enumerable.Range(0, CborDecoder.MaxDepth + 1).SelectMany(_ => new byte[] { 0xA1, 0x00 }).Append((byte)0x00).ToArray();
        Assert.Equal(CborError.DepthExceeded, CborDecoder.DecodeExact(deepMaps, out _));

        var hostile = Enumerable.Repeat((byte)0x81, 100_000).ToArray();
        Assert.Equal(CborError.DepthExceeded, CborDecoder.DecodeExact(hostile, out _));
    }

    [Fact]
    public void Decode_RefusesTooManyItems()
    {
        var count = CborDecoder.MaxItems + 1;
        var input = new byte[] { 0x99, (byte)(count >> 8), (byte)count }.Concat(new byte[count]).ToArray();

        Assert.Equal(CborError.TooManyItems, CborDecoder.DecodeExact(input, out _));
    }

    [Fact]
    public void Decode_ReportsConsumedLength_OfTheFirstItem()
    {
        var input = Convert.FromHexString("a201020304ffff");

        Assert.Equal(CborError.None, CborDecoder.Decode(input, out var value, out var consumed));
        Assert.Equal(5, consumed);
        Assert.Equal(CborKind.Map, value!.Kind);
    }

    [Fact]
    public void Writer_RoundTrips_InPreferredForm()
    {
        var encoded = new CborWriter().WriteStartMap(4)
            .WriteInt64(1).WriteInt64(-7)
            .WriteTextString("k").WriteByteString(new byte[300])
            .WriteInt64(-300).WriteStartArray(3).WriteBoolean(true).WriteBoolean(false).WriteNull()
            .WriteUInt64(ulong.MaxValue).WriteInt64(long.MinValue)
            .ToArray();

        Assert.Equal("a20126", Convert.ToHexStringLower(new CborWriter().WriteStartMap(2).WriteInt64(1).WriteInt64(-7).ToArray())[..6]);
        Assert.Equal(CborError.None, CborDecoder.DecodeExact(encoded, out var value));
        Assert.True(value!.Get(1)!.TryGetInt64(out var alg) && alg == -7);
        Assert.Equal(300, value.Get("k")!.Bytes.Length);
        Assert.Equal([CborKind.True, CborKind.False, CborKind.Null], value.Get(-300)!.Items.Select(i => i.Kind));
        var last = value.Entries[3];
        Assert.Equal(ulong.MaxValue, last.Key.Argument);
        Assert.True(last.Value.TryGetInt64(out var min) && min == long.MinValue);
        Assert.Equal("1b000000e8d4a51000", Convert.ToHexStringLower(new CborWriter().WriteUInt64(1000000000000).ToArray()));
        Assert.Equal("3903e7", Convert.ToHexStringLower(new CborWriter().WriteInt64(-1000).ToArray()));
    }
}
