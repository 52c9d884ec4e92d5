using System.Security.Cryptography;
using System.Text;
using StepUp.Core.Factors.Totp;

namespace StepUp.Core.Tests.Factors.Totp;

public sealed class Base32Tests
{
    // RFC 4648 §10 test vectors (the encoder omits the padding; the decoder takes both forms).
    [Theory]
    [InlineData("", "", "")]
    [InlineData("f", "MY", "MY======")]
    [InlineData("fo", "MZXQ", "MZXQ====")]
    [InlineData("foo", "MZXW6", "MZXW6===")]
    [InlineData("foob", "MZXW6YQ", "MZXW6YQ=")]
    [InlineData("fooba", "MZXW6YTB", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI", "MZXW6YTBOI======")]
    public void EncodeAndDecode_MatchRfc4648Vectors(string data, string unpadded, string padded)
    {
        var bytes = Encoding.ASCII.GetBytes(data);

        Assert.Equal(unpadded, Base32.Encode(bytes));
        Assert.Equal(bytes, Base32.Decode(unpadded));
        Assert.Equal(bytes, Base32.Decode(padded));
        Assert.Equal(bytes, Base32.Decode(padded.ToLowerInvariant()));
    }

    [Fact]
    public void Encode_TheRfcTotpSeed() =>
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Base32.Encode("12345678901234567890"u8));

    [Fact]
    public void RoundTrip_HoldsForEveryLengthUpTo100Bytes()
    {
        for (var length = 0; length <= 100; length++)
        {
            var data = RandomNumberGenerator.GetBytes(length);

            Assert.Equal(data, Base32.Decode(Base32.Encode(data)));
        }
    }

    [Fact]
    public void Encode_AgreesWithCoreutilsBase32()
    {
        var data = RandomNumberGenerator.GetBytes(37);

        var theirs = Encoding.ASCII.GetString(ExternalTool.Run("base32", "coreutils", ["-w", "0"], data)).TrimEnd('\n');

        Assert.Equal(theirs.TrimEnd('='), Base32.Encode(data));
        Assert.Equal(data, Base32.Decode(theirs));
    }

    [Theory]
    [InlineData("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ")]
    [InlineData("gezdgnbvgy3tqojqgezdgnbvgy3tqojq")]
    [InlineData(" GEZDGNBVGY3TQOJQ\nGEZDGNBVGY3TQOJQ ")]
    public void Decode_IgnoresCaseAndWhiteSpace(string text) =>
        Assert.Equal("12345678901234567890"u8.ToArray(), Base32.Decode(text));

    [Theory]
    [InlineData("M")]                 // 1 symbol: 5 bits is no byte
    [InlineData("MZX")]               // 3 symbols
    [InlineData("MZXW6Y")]            // 6 symbols
    [InlineData("MZ")]                // non-zero trailing bits
    [InlineData("MY=")]               // padding that does not complete a quantum
    [InlineData("MY=======")]         // too much padding
    [InlineData("MY======MY")]        // data after padding
    [InlineData("MY=A")]
    [InlineData("GEZDGNB1")]          // 1 is not in the alphabet
    [InlineData("GEZDGNB8")]
    [InlineData("GEZD-GNBV")]
    [InlineData("ÉEZDGNBV")]
    public void Decode_RejectsWhatIsNotBase32(string text)
    {
        Assert.False(Base32.TryDecode(text, out var bytes));
        Assert.Null(bytes);
        Assert.Throws<FormatException>(() => Base32.Decode(text));
    }

    [Fact]
    public void TryDecode_RejectsNull() => Assert.False(Base32.TryDecode(null, out _));
}
