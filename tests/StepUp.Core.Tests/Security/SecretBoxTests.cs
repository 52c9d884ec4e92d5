using System.Security.Cryptography;
using System.Text;
using StepUp.Core.Security;

namespace StepUp.Core.Tests.Security;

public sealed class SecretBoxTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Seal_ThenOpen_RoundTrips()
    {
        using var box = new SecretBox(Key);
        var secret = Encoding.UTF8.GetBytes("JBSWY3DPEHPK3PXP");

        var sealedBox = box.Seal(secret, "stepup/test/1");

        Assert.True(box.TryOpen(sealedBox, "stepup/test/1", out var opened));
        Assert.Equal(secret, opened);
    }

    [Fact]
    public void Seal_UsesAFreshNonceEveryTime()
    {
        using var box = new SecretBox(Key);

        Assert.NotEqual(box.Seal("same"u8, "ad"), box.Seal("same"u8, "ad"));
    }

    [Fact]
    public void Seal_WritesTheDocumentedLayout_ThatPlainAesGcmOpens()
    {
        // An independent reading of the format: version ‖ key id ‖ nonce ‖ ciphertext ‖ tag, with the
        // header and the length-prefixed associated data as AES-GCM's associated data.
        using var box = new SecretBox(Key);
        var plaintext = "seed"u8.ToArray();
        var sealedBox = box.Seal(plaintext, "ad");

        Assert.Equal(1 + 4 + 12 + plaintext.Length + 16, sealedBox.Length);
        Assert.Equal(SecretBox.Version, sealedBox[0]);
        Assert.Equal(box.KeyId, Convert.ToHexStringLower(sealedBox.AsSpan(1, 4)));
        var aad = sealedBox[..5].Concat(new byte[] { 0, 0, 0, 2 }).Concat("ad"u8.ToArray()).ToArray();
        var output = new byte[plaintext.Length];
        using var aes = new AesGcm(Key, 16);
        aes.Decrypt(sealedBox.AsSpan(5, 12), sealedBox.AsSpan(17, plaintext.Length), sealedBox.AsSpan(17 + plaintext.Length), output, aad);
        Assert.Equal(plaintext, output);
    }

    [Fact]
    public void Open_Fails_WhenAnyByteChanges()
    {
        using var box = new SecretBox(Key);
        var sealedBox = box.Seal("a signing key"u8, "ad");

        for (var i = 0; i < sealedBox.Length; i++)
        {
            var altered = (byte[])sealedBox.Clone();
            altered[i] ^= 0x01;
            Assert.False(box.TryOpen(altered, "ad", out _), $"byte {i} changed but the box opened");
        }
    }

    [Fact]
    public void Open_Fails_WithOtherAssociatedData_OrAnotherKey()
    {
        using var box = new SecretBox(Key);
        using var other = new SecretBox(SecretBox.GenerateKey());
        var sealedBox = box.Seal("k"u8, "stepup/signing-key/audit-a");

        Assert.False(box.TryOpen(sealedBox, "stepup/signing-key/audit-b", out _));
        Assert.False(other.TryOpen(sealedBox, "stepup/signing-key/audit-a", out _));
        Assert.False(other.IsSealedWithThisKey(sealedBox));
        Assert.True(box.IsSealedWithThisKey(sealedBox));
        Assert.False(box.TryOpen(sealedBox.AsSpan(0, 20), "stepup/signing-key/audit-a", out _));
    }

    [Fact]
    public void Dispose_MakesTheBoxUnusable()
    {
        var box = new SecretBox(Key);
        box.Dispose();

        Assert.Throws<ObjectDisposedException>(() => box.Seal("x"u8));
    }

    [Theory]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")]
    [InlineData("  AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n")]
    public void TryParseKey_AcceptsBase64Of32Bytes(string text)
    {
        Assert.True(SecretBox.TryParseKey(text, out var key));
        Assert.Equal(Key, key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g")]
    public void TryParseKey_RefusesAnythingElse(string text) => Assert.False(SecretBox.TryParseKey(text, out _));

    [Fact]
    public void Constructor_RefusesAShortKey() => Assert.Throws<ArgumentException>(() => new SecretBox(new byte[16]));
}
