using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Core.Tests.Audit;

public sealed class AuditChainTests
{
    // Known vector: the payload's JCS text, its digest and the envelope hash were computed outside
    // .NET (Python hashlib over hand-written canonical JSON).
    private const string Vector1Canonical =
        """{"action":"payments.transfer","app":"payments-api","context":{"ip":"81.2.69.142"},"outcome":"failure","reason":"invalid_code","risk":{"score":40,"signals":["new_device"]},"subject":{"id":"alice","session_id":"s-123"}}""";

    private const string Vector1Digest = "938f4ffccdedcdd93347301b6cdf4ed1928cbc34001173e74bc33a9695a108b3";
    private const string Vector1Hash = "c103bce383e689765665747dc40b1292f70f1e0b964cd319fb3a7a83dd3f8340";
    private const string Vector2Digest = "5c3e7ca38dcff87ac7b68fbbe8f1f0170ddf479695cf06700da03793f2a4be6a";
    private const string Vector2Hash = "0379e632a0e18ef37eeffdac2f0b59a19811ca953f4dc4ea57cef2c663dd8031";

    private static readonly DateTimeOffset Vector1Time = new(2026, 11, 22, 8, 0, 0, 123, TimeSpan.Zero);

    private static JsonObject Vector1Payload() => new()
    {
        ["outcome"] = "failure",
        ["subject"] = new JsonObject { ["session_id"] = "s-123", ["id"] = "alice" },
        ["app"] = "payments-api",
        ["action"] = "payments.transfer",
        ["risk"] = new JsonObject { ["signals"] = new JsonArray("new_device"), ["score"] = 40 },
        ["context"] = new JsonObject { ["ip"] = "81.2.69.142" },
        ["reason"] = "invalid_code",
    };

    [Fact]
    public void PayloadDigest_MatchesKnownVector()
    {
        var payload = Vector1Payload();

        Assert.Equal(Vector1Canonical, Jcs.CanonicalizeToString(payload));
        Assert.Equal(Vector1Digest, AuditChain.PayloadDigest(payload));
        Assert.Equal(Vector1Digest, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Vector1Canonical))));
    }

    [Fact]
    public void Hash_MatchesKnownVector()
    {
        var hash = AuditChain.Hash(1, "01JD0000000000000000000000", Vector1Time, "stepup.challenge.failed", AuditChain.GenesisHash, Vector1Digest);

        Assert.Equal(Vector1Hash, hash);
    }

    [Fact]
    public void Hash_MatchesKnownVector_ForALinkedSecondEventWithNonAsciiPayload()
    {
        var payload = new JsonObject { ["subject"] = new JsonObject { ["id"] = "zo\u00eb" }, ["app"] = "default" };
        var digest = AuditChain.PayloadDigest(payload);

        var hash = AuditChain.Hash(2, "01JD0000000000000000000001", new DateTimeOffset(2026, 11, 22, 8, 0, 1, TimeSpan.Zero), "policy.loaded", Vector1Hash, digest);

        Assert.Equal(Vector2Digest, digest);
        Assert.Equal(Vector2Hash, hash);
    }

    [Fact]
    public void Hash_EqualsDigestOfJcsOfTheSixFieldEnvelope()
    {
        var time = new DateTimeOffset(2031, 1, 2, 3, 4, 5, 6, TimeSpan.Zero);
        var envelope = new JsonObject
        {
            ["seq"] = 987654321L,
            ["id"] = "id-with-\"quote\"-and-\u00e9",
            ["time"] = "2031-01-02T03:04:05.006Z",
            ["type"] = "audit.checkpoint",
            ["prev_hash"] = Vector1Hash,
            ["payload_digest"] = Vector1Digest,
        };

        var expected = Convert.ToHexStringLower(SHA256.HashData(Jcs.Canonicalize(envelope)));

        Assert.Equal(expected, AuditChain.Hash(987654321L, "id-with-\"quote\"-and-\u00e9", time, "audit.checkpoint", Vector1Hash, Vector1Digest));
    }

    [Fact]
    public void Hash_UsesMillisecondUtcTimeText()
    {
        var local = new DateTimeOffset(2026, 11, 22, 9, 0, 0, 123, TimeSpan.FromHours(1)).AddTicks(9999);

        var hash = AuditChain.Hash(1, "01JD0000000000000000000000", local, "stepup.challenge.failed", AuditChain.GenesisHash, Vector1Digest);

        Assert.Equal(Vector1Hash, hash);
        Assert.Equal("2026-11-22T08:00:00.123Z", AuditTime.ToText(local));
    }

    [Fact]
    public void GenesisHash_IsSixtyFourZeros() =>
        Assert.Equal(new string('0', 64), AuditChain.GenesisHash);

    [Fact]
    public void Hash_ChangesWithEveryEnvelopeField()
    {
        var baseline = AuditChain.Hash(1, "a", Vector1Time, "t", AuditChain.GenesisHash, Vector1Digest);
        string[] variants =
        [
            AuditChain.Hash(2, "a", Vector1Time, "t", AuditChain.GenesisHash, Vector1Digest),
            AuditChain.Hash(1, "b", Vector1Time, "t", AuditChain.GenesisHash, Vector1Digest),
            AuditChain.Hash(1, "a", Vector1Time.AddMilliseconds(1), "t", AuditChain.GenesisHash, Vector1Digest),
            AuditChain.Hash(1, "a", Vector1Time, "u", AuditChain.GenesisHash, Vector1Digest),
            AuditChain.Hash(1, "a", Vector1Time, "t", Vector1Hash, Vector1Digest),
            AuditChain.Hash(1, "a", Vector1Time, "t", AuditChain.GenesisHash, Vector2Digest),
        ];

        Assert.All(variants, v => Assert.NotEqual(baseline, v));
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }
}
