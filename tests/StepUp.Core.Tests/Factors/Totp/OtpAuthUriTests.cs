using System.Text;
using StepUp.Core.Factors.Totp;

namespace StepUp.Core.Tests.Factors.Totp;

public sealed class OtpAuthUriTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("12345678901234567890");

    [Fact]
    public void Create_FollowsTheKeyUriFormat() =>
        Assert.Equal(
            "otpauth://totp/StepUp:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=StepUp&algorithm=SHA1&digits=6&period=30",
            OtpAuthUri.Create("StepUp", "alice", Secret));

    [Theory]
    [InlineData("ACME Corp", "alice smith", "ACME%20Corp:alice%20smith", "ACME%20Corp")]
    [InlineData("StepUp", "urn:user:42", "StepUp:urn%3Auser%3A42", "StepUp")]
    [InlineData("StepUp", "zoë@example.com", "StepUp:zo%C3%AB%40example.com", "StepUp")]
    [InlineData("StepUp", "日本", "StepUp:%E6%97%A5%E6%9C%AC", "StepUp")]
    [InlineData("StepUp", "a&b=c?d#e/f+g%h", "StepUp:a%26b%3Dc%3Fd%23e%2Ff%2Bg%25h", "StepUp")]
    [InlineData("Bank & Co", "bob", "Bank%20%26%20Co:bob", "Bank%20%26%20Co")]
    [InlineData("Société Générale", "bob", "Soci%C3%A9t%C3%A9%20G%C3%A9n%C3%A9rale:bob", "Soci%C3%A9t%C3%A9%20G%C3%A9n%C3%A9rale")]
    public void Create_PercentEncodesLabelAndIssuer(string issuer, string account, string label, string issuerParameter)
    {
        var uri = OtpAuthUri.Create(issuer, account, Secret);

        Assert.Equal(
            $"otpauth://totp/{label}?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer={issuerParameter}&algorithm=SHA1&digits=6&period=30",
            uri);
        Assert.All(uri, c => Assert.True(c is > ' ' and < '\u007f', $"'{c}' is not printable ASCII"));
    }

    [Theory]
    [InlineData("ACME Corp", "alice smith")]
    [InlineData("StepUp", "urn:user:42")]
    [InlineData("StepUp", "zoë@example.com")]
    [InlineData("StepUp", "a&b=c?d#e/f+g%h")]
    public void Create_ParsesBackIntoIssuerAndAccount(string issuer, string account)
    {
        var uri = new Uri(OtpAuthUri.Create(issuer, account, Secret));
        var label = uri.AbsolutePath.TrimStart('/');
        var colon = label.IndexOf(':', StringComparison.Ordinal);
        var query = uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));

        Assert.Equal(("otpauth", "totp"), (uri.Scheme, uri.Host));
        Assert.Equal(issuer, Uri.UnescapeDataString(label[..colon]));
        Assert.Equal(account, Uri.UnescapeDataString(label[(colon + 1)..]));
        Assert.Equal(issuer, query["issuer"]);
        Assert.Equal(Secret, Base32.Decode(query["secret"]));
    }

    [Fact]
    public void Create_CarriesNonDefaultOptions()
    {
        var options = new TotpOptions { Algorithm = OtpAlgorithm.Sha512, Digits = 8, PeriodSeconds = 60 };

        var uri = OtpAuthUri.Create("StepUp", "alice", Secret, options);

        Assert.EndsWith("&algorithm=SHA512&digits=8&period=60", uri);
    }

    [Theory]
    [InlineData("Step:Up", "alice")]
    [InlineData("", "alice")]
    [InlineData(" ", "alice")]
    [InlineData("StepUp", "")]
    public void Create_RejectsUnusableNames(string issuer, string account) =>
        Assert.ThrowsAny<ArgumentException>(() => OtpAuthUri.Create(issuer, account, Secret));

    [Fact]
    public void Create_RejectsAnEmptySecret() =>
        Assert.Throws<ArgumentException>(() => OtpAuthUri.Create("StepUp", "alice", []));
}
