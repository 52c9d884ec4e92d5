using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;

namespace StepUp.Core.Tests.Audit.Checkpoints;

// Chain of 20 decisions with a checkpoint after every 5: decisions 1-5, checkpoint 6 (covers 5),
// 7-11, checkpoint 12 (covers 11), 13-17, checkpoint 18 (covers 17), 19-23, checkpoint 24 (covers 23).
public sealed class CheckpointVerificationTests : IDisposable
{
    private readonly CheckpointChain _keys = new();

    public void Dispose() => _keys.Dispose();

    [Fact]
    public void Verify_CountsEveryCheckpoint_AndReportsWhatTheLastOneSigned()
    {
        var chain = _keys.Build(20, 5);
        using var ring = _keys.Ring();

        var result = CheckpointChain.Verify(chain, ring);

        Assert.True(result.Ok, result.Reason);
        Assert.Equal(24, result.EventsVerified);
        Assert.Equal(4, result.CheckpointsVerified);
        Assert.Equal(23, result.LastCheckpoint!.Seq);
        Assert.Equal(chain[22].Hash, result.LastCheckpoint.Hash);
    }

    [Fact]
    public void Verify_WithoutKeys_StopsAtTheFirstCheckpoint_AsUnknownKey()
    {
        var chain = _keys.Build(10, 5);

        var result = CheckpointChain.Verify(chain, ring: null);

        Assert.Equal((false, 6L, AuditVerificationReasons.CheckpointUnknownKey), (result.Ok, result.FirstBadSeq!.Value, result.Reason));
        Assert.Contains(_keys.Kid, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RefusesATokenKey_EvenWhenTheJwksListsIt()
    {
        // A token key's kid does not mark it as an audit key, so it never verifies a checkpoint.
        var tokenKid = SigningKeyPurposes.Kid(SigningKeyPurposes.Token, _keys.PublicKey);
        var chain = new List<AuditEvent>();
        CheckpointChain.Append(chain, "decision.evaluated", new JsonObject { ["outcome"] = "success" });
        _keys.AppendCheckpoint(chain, kid: tokenKid);
        using var ring = new CheckpointKeyRing([new EcPublicJwk(tokenKid, _keys.PublicKey.X, _keys.PublicKey.Y)]);

        var result = CheckpointChain.Verify(chain, ring);

        Assert.Equal(0, ring.Count);
        Assert.Equal((2L, AuditVerificationReasons.CheckpointUnknownKey), (result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public void Verify_DetectsAnAlteredSignature_EvenWhenTheChainWasRecomputed()
    {
        var chain = _keys.Build(20, 5);
        var jws = chain[11].Payload[AuditCheckpoint.JwsField]!.GetValue<string>();
        chain[11].Payload[AuditCheckpoint.JwsField] = jws[..^2] + (jws[^2] == 'A' ? "B" : "A") + jws[^1];
        CheckpointChain.Rechain(chain, 12);
        using var ring = _keys.Ring();

        var result = CheckpointChain.Verify(chain, ring);

        Assert.Equal(new AuditVerification(false, 11, 11, 12, AuditVerificationReasons.CheckpointSignatureInvalid)
        {
            CheckpointsVerified = 1,
            LastCheckpoint = result.LastCheckpoint,
            Detail = result.Detail,
        }, result);
        Assert.Equal(5, result.LastCheckpoint!.Seq);
    }

    [Fact]
    public void Verify_DetectsACheckpointSignedByAnotherKeyUnderTheRightKid()
    {
        var chain = _keys.Build(5, 5);
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _keys.AppendCheckpoint(chain, key: attacker);
        using var ring = _keys.Ring();

        var result = CheckpointChain.Verify(chain, ring);

        Assert.Equal((7L, AuditVerificationReasons.CheckpointSignatureInvalid), (result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public void Verify_DetectsARewrittenPast_AtTheNextCheckpoint()
    {
        // The attacker edits event 8 and recomputes every hash after it: the chain alone verifies,
        // but checkpoint 12 signed the old hash of event 11.
        var chain = _keys.Build(20, 5);
        chain[7].Payload["outcome"] = "failure";
        CheckpointChain.Rechain(chain, 8);
        using var ring = _keys.Ring();

        var result = CheckpointChain.Verify(chain, ring);

        Assert.Equal((false, 11L, 12L, AuditVerificationReasons.CheckpointMismatch), (result.Ok, result.EventsVerified, result.FirstBadSeq!.Value, result.Reason));
        Assert.Contains("seq 11", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DetectsACheckpointWhosePayloadDiffersFromItsJws()
    {
        var chain = _keys.Build(10, 5);
        chain[5].Payload[AuditCheckpoint.SeqField] = 4;
        chain[5].Payload[AuditCheckpoint.HashField] = chain[3].Hash;
        CheckpointChain.Rechain(chain, 6);
        using var ring = _keys.Ring();

        var result = CheckpointChain.Verify(chain, ring);

        Assert.Equal((6L, AuditVerificationReasons.CheckpointMismatch), (result.FirstBadSeq!.Value, result.Reason));
    }

    [Theory]
    [InlineData(AuditCheckpoint.SeqField)]
    [InlineData(AuditCheckpoint.HashField)]
    [InlineData(AuditCheckpoint.JwsField)]
    public void Verify_DetectsACheckpointMissingAField(string field)
    {
        var chain = _keys.Build(5, 5);
        chain[5].Payload.Remove(field);
        CheckpointChain.Rechain(chain, 6);
        using var ring = _keys.Ring();

        var result = CheckpointChain.Verify(chain, ring);

        Assert.Equal((6L, AuditVerificationReasons.CheckpointMismatch), (result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public void Verify_AcceptsACheckpointThatLagsBehindConcurrentEvents()
    {
        // The writer read head 5, then three other events committed before its checkpoint did.
        var chain = _keys.Build(8, 100);
        _keys.AppendCheckpoint(chain, coverSeq: 5);
        using var ring = _keys.Ring();

        var result = CheckpointChain.Verify(chain, ring);

        Assert.True(result.Ok, result.Detail);
        Assert.Equal(5, result.LastCheckpoint!.Seq);
    }

    [Fact]
    public void Verify_MatchesACheckpointThousandsOfEventsBack()
    {
        var chain = _keys.Build(5000, 100_000);
        _keys.AppendCheckpoint(chain, coverSeq: 37);
        _keys.AppendCheckpoint(chain, coverSeq: 4999);
        using var ring = _keys.Ring();

        Assert.True(CheckpointChain.Verify(chain, ring).Ok);

        chain[5000].Payload[AuditCheckpoint.HashField] = chain[37].Hash;
        chain[5000].Payload[AuditCheckpoint.JwsField] = CheckpointJws.Sign(new AuditCheckpoint(37, chain[37].Hash, AuditChainFixture.Start), _keys.Kid, _keys.Key);
        CheckpointChain.Rechain(chain, 5001);
        Assert.Equal((5001L, AuditVerificationReasons.CheckpointMismatch), (CheckpointChain.Verify(chain, ring).FirstBadSeq!.Value, CheckpointChain.Verify(chain, ring).Reason));
    }

    [Fact]
    public void Verify_ChecksACheckpointOfAChainThatStartsLater_ByItsSignature()
    {
        var chain = _keys.Build(20, 5);
        using var ring = _keys.Ring();
        var verifier = new AuditChainVerifier(7, chain[5].Hash, ring);

        foreach (var evt in chain.Skip(6))
        {
            Assert.True(verifier.Add(evt), verifier.Result.Reason);
        }

        Assert.Equal(3, verifier.Complete().CheckpointsVerified);
    }

    [Fact]
    public void Complete_WithAnchors_CatchesATruncatedTail_AtTheFirstMissingSeq()
    {
        var chain = _keys.Build(20, 5);
        var anchors = chain.Where(e => e.Type == AuditEventTypes.AuditCheckpoint).Select(CheckpointChain.Anchor).ToList();
        using var ring = _keys.Ring();

        var truncated = CheckpointChain.Verify(chain.Take(15), ring, anchors);
        var whole = CheckpointChain.Verify(chain, ring, anchors);

        Assert.Equal((false, 15L, 16L, AuditVerificationReasons.AnchorMissing), (truncated.Ok, truncated.EventsVerified, truncated.FirstBadSeq!.Value, truncated.Reason));
        Assert.Contains("seq 18", truncated.Detail, StringComparison.Ordinal);
        Assert.Equal(2, truncated.AnchorsVerified);
        Assert.True(CheckpointChain.Verify(chain.Take(15), ring).Ok);
        Assert.True(whole.Ok);
        Assert.Equal(4, whole.AnchorsVerified);
    }

    [Fact]
    public void Verify_WithAnchors_CatchesAChainResignedByAnotherAuditKey()
    {
        // Someone with the database file rewrites event 8, recomputes every hash and re-signs the
        // later checkpoints with a key they add to the database: the database's own keys accept it.
        var chain = _keys.Build(20, 5);
        var anchors = chain.Where(e => e.Type == AuditEventTypes.AuditCheckpoint).Select(CheckpointChain.Anchor).ToList();
        using var forger = new CheckpointChain();
        var forged = chain.Take(7).ToList();
        forged[6].Payload["outcome"] = "failure";
        CheckpointChain.Rechain(forged, 7);
        foreach (var evt in chain.Skip(7))
        {
            if (evt.Type == AuditEventTypes.AuditCheckpoint)
            {
                forger.AppendCheckpoint(forged);
            }
            else
            {
                CheckpointChain.Append(forged, evt.Type, evt.Payload);
            }
        }

        using var forgedRing = new CheckpointKeyRing([_keys.PublicKey, forger.PublicKey]);
        using var trueRing = _keys.Ring();
        Assert.True(CheckpointChain.Verify(forged, forgedRing).Ok);

        var anchored = CheckpointChain.Verify(forged, forgedRing, anchors);
        Assert.Equal((12L, AuditVerificationReasons.AnchorMismatch), (anchored.FirstBadSeq!.Value, anchored.Reason));
        var withTrueKeys = CheckpointChain.Verify(forged, trueRing);
        Assert.Equal((12L, AuditVerificationReasons.CheckpointUnknownKey), (withTrueKeys.FirstBadSeq!.Value, withTrueKeys.Reason));
    }

    [Fact]
    public void Complete_ReportsAForgedAnchorLine_AsWhatItIs()
    {
        var chain = _keys.Build(10, 5);
        using var ring = _keys.Ring();
        using var other = new CheckpointChain();
        var bogus = new List<AuditEvent>(chain);
        other.AppendCheckpoint(bogus);

        var result = CheckpointChain.Verify(chain, ring, [CheckpointChain.Anchor(bogus[^1])]);

        Assert.Equal((13L, AuditVerificationReasons.CheckpointUnknownKey), (result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public void Anchor_RefusesLinesThatAreNotCheckpoints()
    {
        var chain = _keys.Build(5, 5);

        Assert.Throws<AuditEventFormatException>(() => CheckpointAnchor.Parse(chain[0].ToJson()));
        var error = Assert.Throws<AuditEventFormatException>(() => CheckpointAnchor.ParseLines([chain[5].ToJson(), "", "{not json"]));
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Single(CheckpointAnchor.ParseLines([chain[5].ToJson(), "  "]));
    }

    [Fact]
    public void Checkpoint_JwsPayload_IsTheCanonicalSeqHashTime()
    {
        var checkpoint = new AuditCheckpoint(42, new string('a', 64), new DateTimeOffset(2026, 11, 22, 8, 0, 0, 123, TimeSpan.Zero).AddTicks(4567));

        Assert.Equal($"{{\"hash\":\"{new string('a', 64)}\",\"seq\":42,\"time\":\"2026-11-22T08:00:00.123Z\"}}",
            System.Text.Encoding.UTF8.GetString(checkpoint.ToJwsPayload()));
        Assert.True(AuditCheckpoint.TryParseJwsPayload(checkpoint.ToJwsPayload(), out var parsed));
        Assert.Equal(checkpoint, parsed);
        Assert.False(AuditCheckpoint.TryParseJwsPayload("{\"seq\":1,\"hash\":\"h\"}"u8, out _));
        Assert.False(AuditCheckpoint.TryParseJwsPayload("{\"seq\":-1,\"hash\":\"h\",\"time\":\"2026-11-22T08:00:00.123Z\"}"u8, out _));
    }

    [Fact]
    public void CheckpointJws_HasTheCheckpointTypeHeader_AndIsRefusedWithAnyOther()
    {
        var statement = new AuditCheckpoint(1, new string('b', 64), AuditChainFixture.Start);
        var jws = CheckpointJws.Sign(statement, _keys.Kid, _keys.Key);
        using var ring = _keys.Ring();

        Assert.True(CompactJws.TryDecode(jws, out var decoded));
        Assert.Equal("stepup-checkpoint+jws", decoded.HeaderText("typ"));
        Assert.Equal(CheckpointSignatureStatus.Valid, CheckpointJws.Verify(jws, ring, out var signed));
        Assert.Equal(statement, signed);

        var jwt = CompactJws.SignEs256(new JsonObject { ["kid"] = _keys.Kid, ["typ"] = "stepup+jwt" }, statement.ToJwsPayload(), _keys.Key);
        Assert.Equal(CheckpointSignatureStatus.Invalid, CheckpointJws.Verify(jwt, ring, out _));
    }
}
