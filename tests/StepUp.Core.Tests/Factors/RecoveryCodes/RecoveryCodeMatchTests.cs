using System.Security.Cryptography;
using StepUp.Core.Factors.RecoveryCodes;

namespace StepUp.Core.Tests.Factors.RecoveryCodes;

public sealed class RecoveryCodeMatchTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly RecoveryCodeSet Set = RecoveryCodeSet.Generate(Key);

    [Theory]
    [InlineData("abcd-efgh-jkmn", "abcdefghjkmn")]
    [InlineData("ABCD-EFGH-JKMN", "abcdefghjkmn")]
    [InlineData(" abcd efgh jkmn ", "abcdefghjkmn")]
    [InlineData("abcdefghjkmn", "abcdefghjkmn")]
    [InlineData("ab-cd-ef-gh-jk-mn", "abcdefghjkmn")]
    [InlineData("abcd\tefgh\njkmn", "abcdefghjkmn")]
    [InlineData("oOiI-lL01-2345", "001111012345")]   // Crockford's look-alikes
    [InlineData("0123-4567-89xz", "0123456789xz")]
    public void Normalize_CanonicalisesWhatUsersType(string input, string expected) =>
        Assert.Equal(expected, RecoveryCode.Normalize(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcd-efgh-jkm")]           // 11 characters
    [InlineData("abcd-efgh-jkmnp")]         // 13 characters
    [InlineData("abcd-efgh-jkmu")]          // u is not in the alphabet
    [InlineData("abcd_efgh_jkmn")]
    [InlineData("abcd–efgh–jkmn")]          // en dashes
    [InlineData("ａｂｃｄ-efgh-jkmn")]        // full-width letters
    [InlineData("abcd-efgh-jkm\u0301n")]
    public void Normalize_RefusesWhatCannotBeACode(string? input) =>
        Assert.Null(RecoveryCode.Normalize(input));

    [Fact]
    public void Normalize_RefusesVeryLongInput() =>
        Assert.Null(RecoveryCode.Normalize("abcd-efgh-jkmn" + new string(' ', 100)));

    [Fact]
    public void Match_FindsEachCodeAtItsIndex()
    {
        for (var i = 0; i < Set.Codes.Count; i++)
        {
            Assert.Equal(i, RecoveryCode.Match(Key, Set.Codes[i], Set.Hashes));
        }
    }

    [Fact]
    public void Match_NormalisesTheInput()
    {
        var code = Set.Codes[4];
        var typed = " " + code.ToUpperInvariant().Replace("-", " ", StringComparison.Ordinal) + "\n";

        Assert.Equal(4, RecoveryCode.Match(Key, typed, Set.Hashes));
    }

    [Theory]
    [InlineData("zzzz-zzzz-zzzz")]
    [InlineData("not a code")]
    [InlineData("")]
    [InlineData(null)]
    public void Match_AnswersMinusOneForAnythingElse(string? input) =>
        Assert.Equal(-1, RecoveryCode.Match(Key, input, Set.Hashes));

    [Fact]
    public void Match_NeverMatchesAUsedSlot()
    {
        var hashes = Set.Hashes.ToArray();
        hashes[3] = [];

        Assert.Equal(-1, RecoveryCode.Match(Key, Set.Codes[3], hashes));
        Assert.Equal(4, RecoveryCode.Match(Key, Set.Codes[4], hashes));
    }

    [Fact]
    public void Match_KeepsComparingAfterAMatch()
    {
        // With the same hash at 2 and 7 the answer is 7: the loop went on past the first match,
        // which is what keeps its running time independent of where (or whether) the code matched.
        var hashes = Set.Hashes.ToArray();
        hashes[7] = hashes[2];

        Assert.Equal(7, RecoveryCode.Match(Key, Set.Codes[2], hashes));
    }

    [Fact]
    public void Match_OfNoStoredHashesIsMinusOne() =>
        Assert.Equal(-1, RecoveryCode.Match(Key, Set.Codes[0], []));

    [Fact]
    public void Match_RejectsMisuse()
    {
        Assert.Throws<ArgumentException>(() => RecoveryCode.Match(new byte[8], Set.Codes[0], Set.Hashes));
        Assert.Throws<ArgumentNullException>(() => RecoveryCode.Match(Key, Set.Codes[0], null!));
        Assert.Throws<ArgumentException>(() => RecoveryCode.Match(Key, Set.Codes[0], [Set.Hashes[1], null!]));
    }

    [Fact]
    public void Hash_RefusesSomethingThatIsNotACode() =>
        Assert.Throws<FormatException>(() => RecoveryCode.Hash(Key, "abc"));
}
