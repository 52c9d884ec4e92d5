using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using StepUp.Core.Security;

namespace StepUp.Core.Tests.Security;

// Lives beside the audit tests: this test project's Security/ folder belongs to another workstream.
public sealed class SecurityPrimitivesTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(16, 22)]
    [InlineData(32, 43)]
    public void UrlSafe_EncodesTheRequestedBytesAsUnpaddedBase64Url(int bytes, int chars)
    {
        var token = RandomTokens.UrlSafe(bytes);

        Assert.Equal(chars, token.Length);
        Assert.Equal(bytes, Base64Url.DecodeFromChars(token).Length);
        Assert.DoesNotContain('=', token);
        Assert.DoesNotContain('+', token);
        Assert.DoesNotContain('/', token);
    }

    [Fact]
    public void UrlSafe_DoesNotRepeat() =>
        Assert.Equal(1000, Enumerable.Range(0, 1000).Select(_ => RandomTokens.UrlSafe(16)).Distinct().Count());

    [Fact]
    public void Sha256Hex_MatchesTheFips180Vector() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Digests.Sha256Hex("abc"));

    [Fact]
    public void FixedTimeEquals_ComparesContent()
    {
        Assert.True(Digests.FixedTimeEquals(SHA256.HashData("a"u8), SHA256.HashData(Encoding.UTF8.GetBytes("a"))));
        Assert.False(Digests.FixedTimeEquals(SHA256.HashData("a"u8), SHA256.HashData("b"u8)));
        Assert.False(Digests.FixedTimeEquals([1, 2], [1, 2, 3]));
        Assert.True(Digests.FixedTimeEquals("su_abc", "su_abc"));
        Assert.False(Digests.FixedTimeEquals("su_abc", "su_abd"));
    }

    [Fact]
    public void ApiKeySecrets_HaveTheDocumentedShape()
    {
        var secret = ApiKeySecrets.NewSecret();

        Assert.StartsWith("su_", secret);
        Assert.Equal(3 + 43, secret.Length);
        Assert.Equal(secret[..8], ApiKeySecrets.DisplayPrefix(secret));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), ApiKeySecrets.Digest(secret));
        Assert.StartsWith("key_", ApiKeySecrets.NewId());
    }
}
