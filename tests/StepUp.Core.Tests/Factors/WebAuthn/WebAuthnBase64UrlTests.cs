using StepUp.Core.Factors.WebAuthn;

namespace StepUp.Core.Tests.Factors.WebAuthn;

public sealed class WebAuthnBase64UrlTests
{
    // RFC 4648 §10 test vectors, in the URL-safe alphabet without padding.
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "Zg")]
    [InlineData("fo", "Zm8")]
    [InlineData("foo", "Zm9v")]
    [InlineData("foob", "Zm9vYg")]
    [InlineData("fooba", "Zm9vYmE")]
    [InlineData("foobar", "Zm9vYmFy")]
    public void EncodeAndDecode_FollowRfc4648Vectors(string text, string encoded)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        Assert.Equal(encoded, WebAuthnBase64Url.Encode(bytes));
        Assert.True(WebAuthnBase64Url.TryDecode(encoded, 100, out var decoded));
        Assert.Equal(bytes, decoded);
    }

    [Fact]
    public void Encode_UsesUrlSafeAlphabet()
    {
        Assert.Equal("-_8", WebAuthnBase64Url.Encode([0xFB, 0xFF]));
        Assert.True(WebAuthnBase64Url.TryDecode("-_8", 2, out var bytes));
        Assert.Equal(new byte[] { 0xFB, 0xFF }, bytes);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Zg==")]
    [InlineData("Zg=")]
    [InlineData("+/8")]
    [InlineData("Zm9v YmFy")]
    [InlineData("Zm9vYmFy\n")]
    [InlineData("Z")]
    [InlineData("Zm9vY")]
    [InlineData("Zh")] // non-zero unused bits: a second spelling of "f"
    [InlineData("Zm9")] // non-zero unused bits: a second spelling of "fo"
    [InlineData("Zm\u00e9v")]
    public void TryDecode_RefusesNonCanonicalOrForeignText(string? text)
    {
        Assert.False(WebAuthnBase64Url.TryDecode(text, 100, out var bytes));
        Assert.Null(bytes);
    }

    [Fact]
    public void TryDecode_RefusesMoreThanMaxBytes()
    {
        var encoded = WebAuthnBase64Url.Encode(new byte[33]);

        Assert.True(WebAuthnBase64Url.TryDecode(encoded, 33, out _));
        Assert.False(WebAuthnBase64Url.TryDecode(encoded, 32, out _));
        Assert.False(WebAuthnBase64Url.TryDecode(new string('A', 10_000_000), 1024, out _));
    }
}
