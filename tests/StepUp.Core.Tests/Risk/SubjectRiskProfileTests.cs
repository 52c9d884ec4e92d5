using System.Buffers.Binary;
using StepUp.Core.Risk;

namespace StepUp.Core.Tests.Risk;

public sealed class SubjectRiskProfileTests
{
    private const long T0 = 1_767_614_400; // 2026-01-05T12:00:00Z

    // The documented layout: version, three counts, 16 bytes per entry, location flag + 24 bytes.
    private static int SerializedLength(int entries) => 1 + 3 + (16 * entries) + 1 + 24;

    private static SubjectRiskProfile FullProfile()
    {
        var profile = new SubjectRiskProfile();
        for (var i = 0; i < SubjectRiskProfile.MaxDevices; i++)
        {
            profile.RememberDevice($"device-{i}", T0 + i);
        }

        for (var i = 0; i < SubjectRiskProfile.MaxCountries; i++)
        {
            profile.RememberCountry($"C{(char)('A' + i)}", T0 + 100 + i);
        }

        for (var i = 0; i < SubjectRiskProfile.MaxIps; i++)
        {
            profile.RememberIp($"198.51.100.{i}", T0 + 200 + i);
        }

        profile.Locate(new Location(51.5142, -0.0931, T0 + 300));
        return profile;
    }

    private static void AssertEmpty(SubjectRiskProfile profile)
    {
        Assert.Equal(0, profile.DeviceCount);
        Assert.Equal(0, profile.CountryCount);
        Assert.Equal(0, profile.IpCount);
        Assert.False(profile.HasPlaces);
        Assert.Null(profile.LastLocation);
        Assert.False(profile.Dirty);
    }

    [Fact]
    public void New_IsEmptyAndClean()
    {
        AssertEmpty(new SubjectRiskProfile());
    }

    [Fact]
    public void Serialize_ThenDeserialize_KeepsDevicesCountriesIpsAndLocation()
    {
        var profile = new SubjectRiskProfile();
        profile.RememberDevice("laptop", T0);
        profile.RememberDevice("phone", T0 + 10);
        profile.RememberCountry("GB", T0 + 20);
        profile.RememberIp("81.2.69.142", T0 + 30);
        profile.RememberIp("2001:db8::1", T0 + 40);
        profile.Locate(new Location(51.5142, -0.0931, T0 + 50));

        var bytes = profile.Serialize();
        var copy = SubjectRiskProfile.Deserialize(bytes);

        Assert.Equal(SerializedLength(5), bytes.Length);
        Assert.Equal((2, 1, 2), (copy.DeviceCount, copy.CountryCount, copy.IpCount));
        // Timestamps survive exactly: known from their own second, not from the next one.
        Assert.True(copy.KnowsDevice("laptop", T0));
        Assert.False(copy.KnowsDevice("laptop", T0 + 1));
        Assert.True(copy.KnowsDevice("phone", T0 + 10));
        Assert.False(copy.KnowsDevice("phone", T0 + 11));
        Assert.True(copy.KnowsCountry("GB", T0 + 20));
        Assert.False(copy.KnowsCountry("GB", T0 + 21));
        Assert.True(copy.KnowsIp("81.2.69.142", T0 + 30));
        Assert.True(copy.KnowsIp("2001:db8::1", T0 + 40));
        Assert.False(copy.KnowsIp("2001:db8::1", T0 + 41));
        Assert.False(copy.KnowsDevice("tablet", 0));
        Assert.False(copy.KnowsCountry("FR", 0));
        Assert.False(copy.KnowsIp("81.2.69.143", 0));
        Assert.Equal(new Location(51.5142, -0.0931, T0 + 50), copy.LastLocation);
        Assert.True(copy.HasPlaces);
        Assert.False(copy.Dirty);
        Assert.Equal(bytes, copy.Serialize());
    }

    [Fact]
    public void Serialize_ThenDeserialize_KeepsAnEmptyProfileAndNoLocation()
    {
        var bytes = new SubjectRiskProfile().Serialize();

        Assert.Equal(SerializedLength(0), bytes.Length);
        AssertEmpty(SubjectRiskProfile.Deserialize(bytes));
    }

    [Fact]
    public void Serialize_ThenDeserialize_KeepsPlacesWithoutALocation()
    {
        var profile = new SubjectRiskProfile();
        profile.RememberIp("81.2.69.142", T0);

        var copy = SubjectRiskProfile.Deserialize(profile.Serialize());

        Assert.True(copy.KnowsIp("81.2.69.142", T0));
        Assert.Null(copy.LastLocation);
    }

    [Fact]
    public void Serialize_OfAFullProfile_IsUnder700Bytes_AndRoundTrips()
    {
        var profile = FullProfile();

        var bytes = profile.Serialize();
        var copy = SubjectRiskProfile.Deserialize(bytes);

        Assert.Equal(SerializedLength(16 + 8 + 16), bytes.Length);
        Assert.True(bytes.Length <= 700, $"{bytes.Length} bytes");
        Assert.Equal((16, 8, 16), (copy.DeviceCount, copy.CountryCount, copy.IpCount));
        for (var i = 0; i < 16; i++)
        {
            Assert.True(copy.KnowsDevice($"device-{i}", T0 + i));
            Assert.True(copy.KnowsIp($"198.51.100.{i}", T0 + 200 + i));
        }

        for (var i = 0; i < 8; i++)
        {
            Assert.True(copy.KnowsCountry($"C{(char)('A' + i)}", T0 + 100 + i));
        }

        Assert.Equal(bytes, copy.Serialize());
    }

    [Fact]
    public void Serialize_DoesNotKeepDevicesOrAddressesInClear()
    {
        var profile = new SubjectRiskProfile();
        profile.RememberDevice("device-secret", T0);
        profile.RememberIp("203.0.113.77", T0);

        var text = System.Text.Encoding.Latin1.GetString(profile.Serialize());

        Assert.DoesNotContain("device", text, StringComparison.Ordinal);
        Assert.DoesNotContain("203", text, StringComparison.Ordinal);
    }

    [Fact]
    public void KnowsCountry_IgnoresCase()
    {
        var profile = new SubjectRiskProfile();
        profile.RememberCountry("gb", T0);

        Assert.True(profile.KnowsCountry("GB", T0));
        Assert.True(profile.KnowsCountry("Gb", T0));
        Assert.Equal(1, profile.CountryCount);
        profile.RememberCountry("GB", T0 + 1);
        Assert.Equal(1, profile.CountryCount);
    }

    [Fact]
    public void Knows_IsFalse_WhenLastSeenBeforeSince()
    {
        var profile = new SubjectRiskProfile();
        profile.RememberDevice("d", T0);

        Assert.True(profile.KnowsDevice("d", T0 - 1));
        Assert.True(profile.KnowsDevice("d", T0));
        Assert.False(profile.KnowsDevice("d", T0 + 1));
    }

    [Fact]
    public void Remember_KeepsTheLatestSighting_WhenSeenAgainEarlier()
    {
        var profile = new SubjectRiskProfile();
        profile.RememberIp("81.2.69.142", T0 + 100);
        profile.RememberIp("81.2.69.142", T0);

        Assert.Equal(1, profile.IpCount);
        Assert.True(profile.KnowsIp("81.2.69.142", T0 + 100));
    }

    [Fact]
    public void RememberDevice_KeepsAtMost16_ReplacingTheLeastRecentlySeen()
    {
        var profile = new SubjectRiskProfile();
        for (var i = 0; i < 16; i++)
        {
            profile.RememberDevice($"d{i}", T0 + i);
        }

        profile.RememberDevice("d0", T0 + 100); // seen again: d1 is now the least recently seen
        profile.RememberDevice("d16", T0 + 101);

        Assert.Equal(SubjectRiskProfile.MaxDevices, profile.DeviceCount);
        Assert.True(profile.KnowsDevice("d0", 0));
        Assert.False(profile.KnowsDevice("d1", 0));
        Assert.True(profile.KnowsDevice("d16", 0));
        for (var i = 2; i < 16; i++)
        {
            Assert.True(profile.KnowsDevice($"d{i}", 0), $"d{i}");
        }

        profile.RememberDevice("d17", T0 + 102);
        Assert.Equal(16, profile.DeviceCount);
        Assert.False(profile.KnowsDevice("d2", 0));
        Assert.True(profile.KnowsDevice("d17", 0));
    }

    [Fact]
    public void RememberCountry_KeepsAtMost8_ReplacingTheLeastRecentlySeen()
    {
        var profile = new SubjectRiskProfile();
        string[] countries = ["GB", "FR", "DE", "ES", "IT", "NL", "BE", "PT"];
        // Inserted out of time order: the oldest is DE, then GB.
        long[] times = [T0 + 5, T0 + 6, T0 + 1, T0 + 7, T0 + 8, T0 + 9, T0 + 10, T0 + 11];
        for (var i = 0; i < countries.Length; i++)
        {
            profile.RememberCountry(countries[i], times[i]);
        }

        profile.RememberCountry("US", T0 + 20);
        profile.RememberCountry("CA", T0 + 21);

        Assert.Equal(SubjectRiskProfile.MaxCountries, profile.CountryCount);
        Assert.False(profile.KnowsCountry("DE", 0));
        Assert.False(profile.KnowsCountry("GB", 0));
        Assert.True(profile.KnowsCountry("US", 0));
        Assert.True(profile.KnowsCountry("CA", 0));
        Assert.True(profile.KnowsCountry("FR", 0));
        Assert.True(profile.KnowsCountry("PT", 0));
    }

    [Fact]
    public void RememberIp_KeepsAtMost16_ReplacingTheLeastRecentlySeen()
    {
        var profile = new SubjectRiskProfile();
        for (var i = 0; i < 40; i++)
        {
            profile.RememberIp($"198.51.100.{i}", T0 + i);
        }

        Assert.Equal(SubjectRiskProfile.MaxIps, profile.IpCount);
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(i >= 24, profile.KnowsIp($"198.51.100.{i}", 0));
        }
    }

    [Fact]
    public void DirtyMarkSavedTouch_TrackChanges()
    {
        var profile = new SubjectRiskProfile();
        Assert.False(profile.Dirty);

        profile.RememberIp("81.2.69.142", T0);
        Assert.True(profile.Dirty);
        profile.MarkSaved();
        Assert.False(profile.Dirty);

        profile.RememberCountry("GB", T0);
        Assert.True(profile.Dirty);
        profile.MarkSaved();

        profile.RememberDevice("d", T0);
        Assert.True(profile.Dirty);
        profile.MarkSaved();

        profile.Locate(new Location(1, 2, T0));
        Assert.True(profile.Dirty);
        profile.MarkSaved();

        _ = profile.Serialize();
        _ = profile.KnowsIp("81.2.69.142", 0);
        Assert.False(profile.Dirty);

        profile.Touch();
        Assert.True(profile.Dirty);
    }

    [Fact]
    public void Deserialize_GivesACleanProfile()
    {
        Assert.False(SubjectRiskProfile.Deserialize(FullProfile().Serialize()).Dirty);
    }

    [Fact]
    public void Deserialize_EveryTruncation_GivesAnEmptyProfile()
    {
        var bytes = FullProfile().Serialize();

        for (var length = 0; length < bytes.Length; length++)
        {
            AssertEmpty(SubjectRiskProfile.Deserialize(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Deserialize_TrailingBytes_GiveAnEmptyProfile()
    {
        var bytes = FullProfile().Serialize();

        AssertEmpty(SubjectRiskProfile.Deserialize([.. bytes, 0]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void Deserialize_WrongVersion_GivesAnEmptyProfile(byte version)
    {
        var bytes = FullProfile().Serialize();
        bytes[0] = version;

        AssertEmpty(SubjectRiskProfile.Deserialize(bytes));
    }

    [Fact]
    public void Deserialize_CountsAboveTheBounds_GiveAnEmptyProfile()
    {
        // A well-formed length for 17 devices: only the bound refuses it.
        var bytes = new byte[SerializedLength(17)];
        bytes[0] = 1;
        bytes[1] = 17;

        AssertEmpty(SubjectRiskProfile.Deserialize(bytes));
    }

    [Theory]
    [InlineData(double.NaN, 0)]
    [InlineData(0, double.NaN)]
    [InlineData(90.5, 0)]
    [InlineData(-91, 0)]
    [InlineData(0, 180.01)]
    [InlineData(0, -181)]
    [InlineData(double.PositiveInfinity, 0)]
    public void Deserialize_DropsAnImpossibleLocation_ButKeepsTheRest(double latitude, double longitude)
    {
        var profile = new SubjectRiskProfile();
        profile.RememberIp("81.2.69.142", T0);
        profile.Locate(new Location(10, 20, T0));
        var bytes = profile.Serialize();
        var at = bytes.Length - 25;
        Assert.Equal(1, bytes[at]);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at + 1), latitude);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at + 9), longitude);

        var copy = SubjectRiskProfile.Deserialize(bytes);

        Assert.Null(copy.LastLocation);
        Assert.True(copy.KnowsIp("81.2.69.142", T0));
    }

    [Fact]
    public void Deserialize_EverySingleBitFlip_NeverThrows_AndStaysWithinBounds()
    {
        var bytes = FullProfile().Serialize();

        for (var i = 0; i < bytes.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var altered = (byte[])bytes.Clone();
                altered[i] ^= (byte)(1 << bit);

                var profile = SubjectRiskProfile.Deserialize(altered);

                AssertWithinBounds(profile);
                if (i < 4)
                {
                    AssertEmpty(profile); // version or a count: the length no longer matches
                }
            }
        }
    }

    [Fact]
    public void Deserialize_RandomCorruption_NeverThrows()
    {
        var random = new Random(20260105);
        var bytes = FullProfile().Serialize();

        for (var round = 0; round < 5_000; round++)
        {
            var altered = (byte[])bytes.Clone();
            var flips = random.Next(1, 12);
            for (var j = 0; j < flips; j++)
            {
                altered[random.Next(altered.Length)] = (byte)random.Next(256);
            }

            var profile = SubjectRiskProfile.Deserialize(altered.AsSpan(0, random.Next(3) == 0 ? random.Next(altered.Length + 1) : altered.Length));

            AssertWithinBounds(profile);
            _ = SubjectRiskProfile.Deserialize(profile.Serialize()); // what was read back can be written again
        }
    }

    [Fact]
    public void Deserialize_RandomBytesWithAValidHeader_NeverThrow()
    {
        var random = new Random(7);

        for (var round = 0; round < 2_000; round++)
        {
            int devices = random.Next(17), countries = random.Next(9), ips = random.Next(17);
            var bytes = new byte[SerializedLength(devices + countries + ips)];
            random.NextBytes(bytes);
            bytes[0] = 1;
            bytes[1] = (byte)devices;
            bytes[2] = (byte)countries;
            bytes[3] = (byte)ips;
            bytes[^25] = (byte)random.Next(3);

            var profile = SubjectRiskProfile.Deserialize(bytes);

            // Random keys may collide (duplicates are kept as read); the counts are the header's.
            Assert.Equal((devices, countries, ips), (profile.DeviceCount, profile.CountryCount, profile.IpCount));
            if (profile.LastLocation is { } location)
            {
                Assert.InRange(location.Latitude, -90, 90);
                Assert.InRange(location.Longitude, -180, 180);
            }
        }
    }

    [Fact]
    public void Create_WithOneDeviceCountryIpAndLocation_AllocatesUnder1KB()
    {
        const string device = "device-1", country = "GB", ip = "81.2.69.142";
        var location = new Location(51.5142, -0.0931, T0);
        _ = Build(); // warm up: JIT and any one-time statics

        var before = GC.GetAllocatedBytesForCurrentThread();
        var profile = Build();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1024, $"{allocated} bytes");
        Assert.True(profile.KnowsDevice(device, T0));
        GC.KeepAlive(profile);

        SubjectRiskProfile Build()
        {
            var p = new SubjectRiskProfile();
            p.RememberDevice(device, T0);
            p.RememberCountry(country, T0);
            p.RememberIp(ip, T0);
            p.Locate(location);
            return p;
        }
    }

    private static void AssertWithinBounds(SubjectRiskProfile profile)
    {
        Assert.InRange(profile.DeviceCount, 0, SubjectRiskProfile.MaxDevices);
        Assert.InRange(profile.CountryCount, 0, SubjectRiskProfile.MaxCountries);
        Assert.InRange(profile.IpCount, 0, SubjectRiskProfile.MaxIps);
        if (profile.LastLocation is { } location)
        {
            Assert.InRange(location.Latitude, -90, 90);
            Assert.InRange(location.Longitude, -180, 180);
        }
    }
}
