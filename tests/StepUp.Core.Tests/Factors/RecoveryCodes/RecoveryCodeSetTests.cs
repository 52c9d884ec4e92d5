using System.Security.Cryptography;
using StepUp.Core.Factors.RecoveryCodes;

namespace StepUp.Core.Tests.Factors.RecoveryCodes;

public sealed class RecoveryCodeSetTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Generate_GivesTenDistinctCodesInTheDisplayFormat()
    {
        var set = RecoveryCodeSet.Generate(Key);

        Assert.Equal(10, set.Codes.Count);
        Assert.Equal(10, set.Codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(set.Codes, code => Assert.Matches("^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$", code));
    }

    [Fact]
    public void Generate_StoresOneKeyedHashPerCode()
    {
        var set = RecoveryCodeSet.Generate(Key);

        Assert.Equal(10, set.Hashes.Count);
        Assert.All(set.Hashes, hash => Assert.Equal(32, hash.Length));
        Assert.Equal(10, set.Hashes.Select(Convert.ToHexString).Distinct().Count());
        for (var i = 0; i < set.Codes.Count; i++)
        {
            Assert.Equal(set.Hashes[i], RecoveryCode.Hash(Key, set.Codes[i]));
            Assert.Equal(i, RecoveryCode.Match(Key, set.Codes[i], set.Hashes));
        }
    }

    [Fact]
    public void Generate_HashesDependOnTheKey()
    {
        var set = RecoveryCodeSet.Generate(Key);
        var otherKey = RandomNumberGenerator.GetBytes(32);

        Assert.NotEqual(set.Hashes[0], RecoveryCode.Hash(otherKey, set.Codes[0]));
        Assert.Equal(-1, RecoveryCode.Match(otherKey, set.Codes[0], set.Hashes));
    }

    [Fact]
    public void Generate_NeverRepeatsAcrossSets()
    {
        var codes = Enumerable.Range(0, 200).SelectMany(_ => RecoveryCodeSet.Generate(Key).Codes).ToList();

        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Generate_UsesEveryAlphabetCharacter()
    {
        // 2,000 sets = 240,000 characters: every one of the 32 symbols appears, near 1/32 of the time.
        var counts = Enumerable.Range(0, 2_000)
            .SelectMany(_ => RecoveryCodeSet.Generate(Key).Codes)
            .SelectMany(code => code.Replace("-", "", StringComparison.Ordinal))
            .GroupBy(c => c)
            .ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(RecoveryCode.Alphabet.Order(), counts.Keys.Order());
        Assert.All(counts.Values, n => Assert.InRange(n, 6_000, 9_000)); // expected 7,500
    }

    [Fact]
    public void Alphabet_HasSixtyBitsPerCodeAndNoLookAlikes()
    {
        Assert.Equal(32, RecoveryCode.Alphabet.Distinct().Count());
        Assert.True(RecoveryCode.Length * Math.Log2(RecoveryCode.Alphabet.Length) >= 60);
        Assert.DoesNotContain(RecoveryCode.Alphabet, c => c is 'i' or 'l' or 'o' or 'u' || char.IsUpper(c));
    }

    [Fact]
    public void Generate_RejectsAShortKey() =>
        Assert.Throws<ArgumentException>(() => RecoveryCodeSet.Generate(new byte[15]));
}
