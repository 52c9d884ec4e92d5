using System.Globalization;
using StepUp.Core.Factors.Totp;

namespace StepUp.Core.Tests.Factors.Totp;

/// <summary>
/// Debian's <c>oathtool</c> (OATH Toolkit) as an outside oracle: it reads our Base32 secrets, and the codes it
/// prints must be what we generate and what we accept. Fails, never skips, when oathtool is missing.
/// </summary>
public sealed class OathtoolCrossCheckTests
{
    private static string[] Oathtool(string base32Secret, long unixSeconds, TotpOptions options, int extraSteps = 0) =>
        ExternalTool.RunText("oathtool", "oathtool",
        [
            "--totp=" + OtpAuthUri.AlgorithmName(options.Algorithm),
            "--digits=" + options.Digits.ToString(CultureInfo.InvariantCulture),
            "--time-step-size=" + options.PeriodSeconds.ToString(CultureInfo.InvariantCulture) + "s",
            "--window=" + extraSteps.ToString(CultureInfo.InvariantCulture),
            "--now=@" + unixSeconds.ToString(CultureInfo.InvariantCulture),
            "--base32", base32Secret,
        ]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Theory]
    [InlineData("JBSWY3DPEHPK3PXP", 1_795_334_400L, OtpAlgorithm.Sha1, 6, 30)]            // the Key Uri Format's own example
    [InlineData("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 1_111_111_109L, OtpAlgorithm.Sha1, 6, 30)]
    [InlineData("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 1_795_334_429L, OtpAlgorithm.Sha1, 8, 30)]
    [InlineData("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA", 1_795_334_400L, OtpAlgorithm.Sha256, 6, 30)]
    [InlineData("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA", 2_000_000_000L, OtpAlgorithm.Sha256, 7, 60)]
    [InlineData("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA", 1_795_334_400L, OtpAlgorithm.Sha512, 8, 30)]
    [InlineData("7ZQ3XKGBAUYHVPWJ6FPRCM2DN4TQL5SE", 4_102_444_799L, OtpAlgorithm.Sha1, 6, 30)]  // 2099-12-31T23:59:59Z
    [InlineData("7ZQ3XKGBAUYHVPWJ6FPRCM2DN4TQL5SE", 0L, OtpAlgorithm.Sha1, 6, 30)]
    public void OathtoolCodes_AreOurCodesAndVerify(string base32Secret, long unixSeconds, OtpAlgorithm algorithm, int digits, int period)
    {
        var options = new TotpOptions { Algorithm = algorithm, Digits = digits, PeriodSeconds = period };
        var secret = Base32.Decode(base32Secret);
        var now = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

        var theirs = Oathtool(base32Secret, unixSeconds, options).Single();

        Assert.Equal(theirs, TotpCode.Generate(secret, now, options));
        Assert.Equal(new TotpResult(true, TotpCode.StepAt(now, period), TotpFailure.None), TotpVerifier.Verify(secret, theirs, now, null, options));
    }

    [Fact]
    public void OathtoolCodes_ForFreshSecrets_Verify_WithinTheWindowOnly()
    {
        for (var i = 0; i < 4; i++)
        {
            var secret = TotpSecret.Generate();
            var base32 = Base32.Encode(secret);
            var now = DateTimeOffset.FromUnixTimeSeconds(1_795_334_400L + (i * 7_919));
            var step = TotpCode.StepAt(now);

            // oathtool starting one step back prints steps −1, 0, +1 and +2.
            var codes = Oathtool(base32, now.ToUnixTimeSeconds() - 30, TotpOptions.Default, extraSteps: 3);

            Assert.Equal(4, codes.Length);
            Assert.Equal(step - 1, TotpVerifier.Verify(secret, codes[0], now, null).Step);
            Assert.Equal(step, TotpVerifier.Verify(secret, codes[1], now, null).Step);
            Assert.Equal(step + 1, TotpVerifier.Verify(secret, codes[2], now, null).Step);
            Assert.False(TotpVerifier.Verify(secret, codes[3], now, null).Accepted);
            Assert.Equal(TotpFailure.Replayed, TotpVerifier.Verify(secret, codes[1], now, lastAcceptedStep: step).Failure);
        }
    }
}
