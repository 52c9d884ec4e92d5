using System.Text;
using StepUp.Core.Factors.Totp;

namespace StepUp.Core.Tests.Factors.Totp;

public sealed class TotpVerifierTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("12345678901234567890");

    // 2026-11-22T08:00:00Z, 10 s into its 30 s step.
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_334_410);
    private static readonly long CurrentStep = TotpCode.StepAt(Now);

    private static string CodeAt(long offset, TotpOptions? options = null) =>
        TotpCode.GenerateAtStep(Secret, CurrentStep + offset, options);

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void Verify_Accepts_TheCurrentStepAndOneEitherSide(long offset)
    {
        var result = TotpVerifier.Verify(Secret, CodeAt(offset), Now, lastAcceptedStep: null);

        Assert.Equal(new TotpResult(true, CurrentStep + offset, TotpFailure.None), result);
    }

    [Theory]
    [InlineData(-3)]
    [InlineData(-2)]
    [InlineData(2)]
    [InlineData(3)]
    public void Verify_Rejects_StepsBeyondTheWindow(long offset)
    {
        var result = TotpVerifier.Verify(Secret, CodeAt(offset), Now, lastAcceptedStep: null);

        Assert.Equal(new TotpResult(false, 0, TotpFailure.Invalid), result);
    }

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(0, 1, false)]
    [InlineData(0, -1, false)]
    [InlineData(2, 2, true)]
    [InlineData(2, -2, true)]
    [InlineData(2, 3, false)]
    public void Verify_HonoursAConfiguredWindow(int window, long offset, bool accepted)
    {
        var options = new TotpOptions { Window = window };

        Assert.Equal(accepted, TotpVerifier.Verify(Secret, CodeAt(offset), Now, null, options).Accepted);
    }

    [Fact]
    public void Verify_Rejects_TheSameStepTwice()
    {
        var code = CodeAt(0);
        var first = TotpVerifier.Verify(Secret, code, Now, lastAcceptedStep: null);

        var second = TotpVerifier.Verify(Secret, code, Now.AddSeconds(5), lastAcceptedStep: first.Step);

        Assert.True(first.Accepted);
        Assert.Equal(new TotpResult(false, 0, TotpFailure.Replayed), second);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public void Verify_Rejects_AnEarlierStepAfterALaterOne(long earlierOffset)
    {
        var later = TotpVerifier.Verify(Secret, CodeAt(1), Now, lastAcceptedStep: null);

        var earlier = TotpVerifier.Verify(Secret, CodeAt(earlierOffset), Now, lastAcceptedStep: later.Step);

        Assert.Equal(CurrentStep + 1, later.Step);
        Assert.Equal(TotpFailure.Replayed, earlier.Failure);
    }

    [Fact]
    public void Verify_Accepts_TheNextStepAfterAnAcceptedOne()
    {
        var result = TotpVerifier.Verify(Secret, CodeAt(0), Now, lastAcceptedStep: CurrentStep - 1);

        Assert.Equal(new TotpResult(true, CurrentStep, TotpFailure.None), result);
    }

    [Fact]
    public void Verify_StillAcceptsAStepWhenOnlyAnEarlierOneWasUsed()
    {
        // The code of step +1 is fine even though steps −1 and 0 are below the last accepted step.
        var result = TotpVerifier.Verify(Secret, CodeAt(1), Now, lastAcceptedStep: CurrentStep);

        Assert.Equal(new TotpResult(true, CurrentStep + 1, TotpFailure.None), result);
    }

    [Fact]
    public void Verify_FollowsTheClockAcrossAStepBoundary()
    {
        var lastSecondOfStep = DateTimeOffset.FromUnixTimeSeconds(((CurrentStep + 1) * 30) - 1);
        var code = CodeAt(2); // two steps ahead of Now, so only valid once the clock moves

        Assert.False(TotpVerifier.Verify(Secret, code, lastSecondOfStep, null).Accepted);
        Assert.True(TotpVerifier.Verify(Secret, code, lastSecondOfStep.AddSeconds(1), null).Accepted);
    }

    [Theory]
    [InlineData("{0} {1}")]
    [InlineData(" {0}{1} ")]
    [InlineData("{0}\t{1}")]
    [InlineData("{0}\u00A0{1}\n")]
    public void Verify_IgnoresWhiteSpace(string layout)
    {
        var code = CodeAt(0);
        var typed = string.Format(layout, code[..3], code[3..]);

        Assert.True(TotpVerifier.Verify(Secret, typed, Now, null).Accepted);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345a")]
    [InlineData("-12345")]
    [InlineData("+123456")]
    [InlineData("123-456")]
    [InlineData("１２３４５６")]
    [InlineData("١٢٣٤٥٦")]
    public void Verify_RejectsMalformedInputWithoutThrowing(string? code) =>
        Assert.Equal(new TotpResult(false, 0, TotpFailure.Malformed), TotpVerifier.Verify(Secret, code, Now, null));

    [Fact]
    public void Verify_RejectsVeryLongInputAsMalformed() =>
        Assert.Equal(TotpFailure.Malformed, TotpVerifier.Verify(Secret, CodeAt(0) + new string(' ', 100), Now, null).Failure);

    [Fact]
    public void Verify_RejectsAWrongCode()
    {
        var wrong = ((int.Parse(CodeAt(0)) + 1) % 1_000_000).ToString("D6");

        Assert.Equal(TotpFailure.Invalid, TotpVerifier.Verify(Secret, wrong, Now, null).Failure);
    }

    [Fact]
    public void Verify_RejectsTheCodeOfAnotherSecret()
    {
        var other = Encoding.ASCII.GetBytes("09876543210987654321");

        Assert.False(TotpVerifier.Verify(other, CodeAt(0), Now, null).Accepted);
    }

    [Fact]
    public void Verify_UsesTheConfiguredDigitsAlgorithmAndPeriod()
    {
        var options = new TotpOptions { Algorithm = OtpAlgorithm.Sha256, Digits = 8, PeriodSeconds = 60 };
        var code = TotpCode.Generate(Secret, Now, options);

        var result = TotpVerifier.Verify(Secret, code, Now, null, options);

        Assert.Equal(8, code.Length);
        Assert.Equal(new TotpResult(true, TotpCode.StepAt(Now, 60), TotpFailure.None), result);
        Assert.Equal(TotpFailure.Malformed, TotpVerifier.Verify(Secret, code, Now, null).Failure);
    }

    [Fact]
    public void Verify_NearTheEpochSkipsNegativeSteps()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(10);

        var result = TotpVerifier.Verify(Secret, TotpCode.GenerateAtStep(Secret, 0), now, null);

        Assert.Equal(new TotpResult(true, 0, TotpFailure.None), result);
    }

    [Fact]
    public void Verify_RejectsMisuse()
    {
        Assert.Throws<ArgumentException>(() => TotpVerifier.Verify([], "123456", Now, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => TotpVerifier.Verify(Secret, "123456", DateTimeOffset.UnixEpoch.AddSeconds(-1), null));
    }

    [Fact]
    public void Options_DefaultToSpecValues()
    {
        var options = TotpOptions.Default;

        Assert.Equal((OtpAlgorithm.Sha1, 6, 30, 1), (options.Algorithm, options.Digits, options.PeriodSeconds, options.Window));
    }

    [Fact]
    public void Options_RejectOutOfRangeValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TotpOptions { Digits = 5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TotpOptions { Digits = 9 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TotpOptions { PeriodSeconds = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TotpOptions { PeriodSeconds = 301 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TotpOptions { Window = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TotpOptions { Window = 11 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TotpOptions { Algorithm = (OtpAlgorithm)3 });
    }

    [Fact]
    public void Secret_IsTwentyRandomBytes()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => TotpSecret.Generate()).ToList();

        Assert.All(secrets, s => Assert.Equal(20, s.Length));
        Assert.Equal(100, secrets.Select(Convert.ToHexString).Distinct().Count());
        Assert.Equal(32, Base32.Encode(secrets[0]).Length);
    }
}
