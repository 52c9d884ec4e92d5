using System.Security.Cryptography;
using System.Text;
using StepUp.Core.Audit.Sinks;

namespace StepUp.Core.Tests.Audit.Sinks;

public class WebhookSignatureTests
{
    private static readonly byte[] Secret = "whsec_test_secret_0123"u8.ToArray();
    private static readonly byte[] Body = """{"events":[]}"""u8.ToArray();

    [Fact]
    public void Create_MatchesAnIndependentHmac()
    {
        // Computed with Python's hmac module and `openssl dgst -sha256 -hmac`.
        Assert.Equal("t=1763800000,v1=0a547de2c582e0cb23cae3c19a2c414c3ddfff1cbd343e9bb20cf348eaf5fbb4",
            WebhookSignature.Create(Secret, 1763800000, Body));
        var mac = HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes("1763800000." + """{"events":[]}"""));
        Assert.EndsWith(Convert.ToHexStringLower(mac), WebhookSignature.Create(Secret, 1763800000, Body), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AcceptsAFreshSignature()
    {
        var header = WebhookSignature.Create(Secret, 1763800000, Body);
        Assert.True(WebhookSignature.Verify(header, Secret, Body, 1763800000 + 299));
        Assert.True(WebhookSignature.Verify(header, Secret, Body, 1763800000 - 299));
    }

    [Fact]
    public void Verify_RejectsStaleOrFutureTimestamps()
    {
        var header = WebhookSignature.Create(Secret, 1763800000, Body);
        Assert.False(WebhookSignature.Verify(header, Secret, Body, 1763800000 + 301));
        Assert.False(WebhookSignature.Verify(header, Secret, Body, 1763800000 - 301));
    }

    [Fact]
    public void Verify_RejectsAnotherBodyOrSecret()
    {
        var header = WebhookSignature.Create(Secret, 1763800000, Body);
        Assert.False(WebhookSignature.Verify(header, Secret, """{"events":[ ]}"""u8, 1763800000));
        Assert.False(WebhookSignature.Verify(header, "another_secret_0123"u8, Body, 1763800000));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("t=1763800000")]
    [InlineData("v1=0a547de2c582e0cb23cae3c19a2c414c3ddfff1cbd343e9bb20cf348eaf5fbb4")]
    [InlineData("t=abc,v1=0a547de2c582e0cb23cae3c19a2c414c3ddfff1cbd343e9bb20cf348eaf5fbb4")]
    [InlineData("t=1763800000,v1=zz547de2c582e0cb23cae3c19a2c414c3ddfff1cbd343e9bb20cf348eaf5fbb4")]
    [InlineData("t=1763800001,v1=0a547de2c582e0cb23cae3c19a2c414c3ddfff1cbd343e9bb20cf348eaf5fbb4")]
    [InlineData("garbage")]
    public void Verify_RejectsMalformedOrForgedHeaders(string? header)
    {
        Assert.False(WebhookSignature.Verify(header, Secret, Body, 1763800000));
    }

    [Fact]
    public void Verify_AcceptsAnyMatchingV1_ForSecretRotation()
    {
        var good = WebhookSignature.Create(Secret, 1763800000, Body);
        var header = "t=1763800000,v1=" + new string('0', 64) + "," + good.Split(',')[1];
        Assert.True(WebhookSignature.Verify(header, Secret, Body, 1763800000));
    }
}
