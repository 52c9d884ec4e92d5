using System.Text;
using StepUp.Core.Factors.Totp;

namespace StepUp.Core.Tests.Factors.Totp;

public sealed class TotpCodeTests
{
    // RFC 6238 Appendix B seeds: the ASCII digits repeated to the hash's output length.
    private static byte[] RfcSeed(OtpAlgorithm algorithm) => Encoding.ASCII.GetBytes(algorithm switch
    {
        OtpAlgorithm.Sha1 => "12345678901234567890",
        OtpAlgorithm.Sha256 => "12345678901234567890123456789012",
        _ => "1234567890123456789012345678901234567890123456789012345678901234",
    });

    // RFC 6238 Appendix B, 8 digits, 30 s steps, T0 = 0.
    [Theory]
    [InlineData(59L, 0x1L, "94287082", OtpAlgorithm.Sha1)]
    [InlineData(59L, 0x1L, "46119246", OtpAlgorithm.Sha256)]
    [InlineData(59L, 0x1L, "90693936", OtpAlgorithm.Sha512)]
    [InlineData(1111111109L, 0x23523ECL, "07081804", OtpAlgorithm.Sha1)]
    [InlineData(1111111109L, 0x23523ECL, "68084774", OtpAlgorithm.Sha256)]
    [InlineData(1111111109L, 0x23523ECL, "25091201", OtpAlgorithm.Sha512)]
    [InlineData(1111111111L, 0x23523EDL, "14050471", OtpAlgorithm.Sha1)]
    [InlineData(1111111111L, 0x23523EDL, "67062674", OtpAlgorithm.Sha256)]
    [InlineData(1111111111L, 0x23523EDL, "99943326", OtpAlgorithm.Sha512)]
    [InlineData(1234567890L, 0x273EF07L, "89005924", OtpAlgorithm.Sha1)]
    [InlineData(1234567890L, 0x273EF07L, "91819424", OtpAlgorithm.Sha256)]
    [InlineData(1234567890L, 0x273EF07L, "93441116", OtpAlgorithm.Sha512)]
    [InlineData(2000000000L, 0x3F940AAL, "69279037", OtpAlgorithm.Sha1)]
    [InlineData(2000000000L, 0x3F940AAL, "90698825", OtpAlgorithm.Sha256)]
    [InlineData(2000000000L, 0x3F940AAL, "38618901", OtpAlgorithm.Sha512)]
    [InlineData(20000000000L, 0x27BC86AAL, "65353130", OtpAlgorithm.Sha1)]
    [InlineData(20000000000L, 0x27BC86AAL, "77737706", OtpAlgorithm.Sha256)]
    [InlineData(20000000000L, 0x27BC86AAL, "47863826", OtpAlgorithm.Sha512)]
    public void Generate_MatchesRfc6238AppendixB(long unixSeconds, long step, string expected, OtpAlgorithm algorithm)
    {
        var options = new TotpOptions { Algorithm = algorithm, Digits = 8 };
        var now = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        var seed = RfcSeed(algorithm);

        Assert.Equal(step, TotpCode.StepAt(now));
        Assert.Equal(expected, TotpCode.Generate(seed, now, options));
        Assert.Equal(expected, TotpCode.GenerateAtStep(seed, step, options));
        Assert.True(TotpVerifier.Verify(seed, expected, now, lastAcceptedStep: null, options) is { Accepted: true } result && result.Step == step);
    }

    [Theory]
    [InlineData(0L, 30, 0L)]
    [InlineData(29L, 30, 0L)]
    [InlineData(30L, 30, 1L)]
    [InlineData(1_795_334_400L, 30, 59_844_480L)]
    [InlineData(1_795_334_459L, 60, 29_922_240L)]
    public void StepAt_CountsWholePeriodsSinceTheEpoch(long unixSeconds, int period, long expected) =>
        Assert.Equal(expected, TotpCode.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds), period));

    [Fact]
    public void StepAt_RejectsTimesBeforeTheEpoch() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TotpCode.StepAt(DateTimeOffset.FromUnixTimeSeconds(-1)));
}
