using StepUp.Core.Risk;

namespace StepUp.Core.Tests.Risk;

/// <summary>Retained-memory measurement: run alone so other tests' allocations do not blur it.</summary>
[CollectionDefinition(nameof(SubjectRiskProfileMemoryTests), DisableParallelization = true)]
[Collection(nameof(SubjectRiskProfileMemoryTests))]
public sealed class SubjectRiskProfileMemoryTests
{
    [Fact]
    public void FullProfile_RetainsUnder1KB()
    {
        var full = new SubjectRiskProfile();
        for (var i = 0; i < 16; i++)
        {
            full.RememberDevice($"device-{i}", i);
            full.RememberIp($"198.51.100.{i}", i);
        }

        for (var i = 0; i < 8; i++)
        {
            full.RememberCountry($"C{(char)('A' + i)}", i);
        }

        full.Locate(new Location(1, 2, 3));
        var bytes = full.Serialize();
        var profiles = new SubjectRiskProfile[2_000];
        _ = SubjectRiskProfile.Deserialize(bytes);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < profiles.Length; i++)
        {
            profiles[i] = SubjectRiskProfile.Deserialize(bytes);
        }

        var perProfile = (GC.GetTotalMemory(forceFullCollection: true) - before) / profiles.Length;

        Assert.True(perProfile < 1024, $"{perProfile} bytes per full profile");
        Assert.All(profiles, p => Assert.Equal(16, p.DeviceCount));
    }
}
