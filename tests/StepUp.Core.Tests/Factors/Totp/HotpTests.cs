using System.Text;
using StepUp.Core.Factors.Totp;

namespace StepUp.Core.Tests.Factors.Totp;

public sealed class HotpTests
{
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    // RFC 4226 Appendix D: the HOTP value and the 31-bit "Truncated" value of counts 0 to 9.
    [Theory]
    [InlineData(0, "755224", 1284755224)]
    [InlineData(1, "287082", 1094287082)]
    [InlineData(2, "359152", 137359152)]
    [InlineData(3, "969429", 1726969429)]
    [InlineData(4, "338314", 1640338314)]
    [InlineData(5, "254676", 868254676)]
    [InlineData(6, "287922", 1918287922)]
    [InlineData(7, "162583", 82162583)]
    [InlineData(8, "399871", 673399871)]
    [InlineData(9, "520489", 645520489)]
    public void Generate_MatchesRfc4226AppendixD(long counter, string expected, int truncated)
    {
        Assert.Equal(expected, Hotp.Generate(RfcSecret, counter));
        Assert.Equal(truncated % 1_000_000, Hotp.Compute(RfcSecret, counter));
        Assert.Equal((truncated % 10_000_000).ToString("D7"), Hotp.Generate(RfcSecret, counter, digits: 7));
        Assert.Equal((truncated % 100_000_000).ToString("D8"), Hotp.Generate(RfcSecret, counter, digits: 8));
    }

    [Theory]
    [InlineData(0, 6, "000000")]
    [InlineData(42, 6, "000042")]
    [InlineData(999_999, 6, "999999")]
    [InlineData(7, 8, "00000007")]
    public void Format_ZeroPadsToTheDigitCount(int code, int digits, string expected) =>
        Assert.Equal(expected, Hotp.Format(code, digits));

    [Theory]
    [InlineData(1_000_000, 6)]
    [InlineData(-1, 6)]
    [InlineData(1, 5)]
    [InlineData(1, 9)]
    public void Format_RejectsValuesThatAreNotCodes(int code, int digits) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Hotp.Format(code, digits));

    [Fact]
    public void Compute_RejectsMisuse()
    {
        Assert.Throws<ArgumentException>(() => Hotp.Compute([], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hotp.Compute(RfcSecret, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hotp.Compute(RfcSecret, 0, digits: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hotp.Compute(RfcSecret, 0, digits: 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hotp.Compute(RfcSecret, 0, algorithm: (OtpAlgorithm)42));
    }
}
