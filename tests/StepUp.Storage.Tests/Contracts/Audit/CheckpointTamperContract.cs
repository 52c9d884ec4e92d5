using System.Security.Cryptography;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>
/// The tamper acceptance tests of issue 4 against a stored chain with checkpoints. The attacker has
/// write access to the database: they drop the guards first. Layout: decisions 1-5, checkpoint 6,
/// 7-11, checkpoint 12, 13-17, checkpoint 18, 19-23, checkpoint 24.
/// </summary>
public abstract class CheckpointTamperContract(IStoreProvider provider) : AuditContract(provider)
{
    private async Task<CheckpointedStore> SeedAsync() => await CheckpointedStore.SeedAsync(await OpenStoreAsync());

    [Fact]
    public async Task Verify_AcceptsTheUntouchedStore_WithEveryCheckpointAndAnchor()
    {
        using var seeded = await SeedAsync();

        var result = await seeded.VerifyAsync(seeded.Anchors());

        Assert.True(result.Ok, result.Detail);
        Assert.Equal((24L, 24L, 4L, 4L), (result.EventsVerified, result.LastSeq, result.CheckpointsVerified, result.AnchorsVerified));
        Assert.Equal(23, result.LastCheckpoint!.Seq);
    }

    [Fact]
    public async Task OneFieldOfOneRowChanged_IsCaughtAtThatSeq()
    {
        using var seeded = await SeedAsync();
        await seeded.Store.DropGuardsAsync();
        await seeded.Store.ExecuteAsync("UPDATE audit_events SET payload = replace(payload, 'user-7', 'user-X') WHERE seq = 8;");

        var result = await seeded.VerifyAsync(seeded.Anchors());

        Assert.Equal((false, 8L, AuditVerificationReasons.PayloadDigestMismatch), (result.Ok, result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public async Task ARowDeleted_IsCaughtAtThatSeq()
    {
        using var seeded = await SeedAsync();
        await seeded.Store.ExecuteAsync("DELETE FROM audit_events WHERE seq = 14;");

        var result = await seeded.VerifyAsync(seeded.Anchors());

        Assert.Equal((false, 14L, AuditVerificationReasons.SeqGap), (result.Ok, result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public async Task TwoRowsSwapped_AreCaughtAtTheFirst()
    {
        using var seeded = await SeedAsync();
        await seeded.Store.DropGuardsAsync();
        await seeded.Store.ExecuteAsync("UPDATE audit_events SET seq = -9 WHERE seq = 9;");
        await seeded.Store.ExecuteAsync("UPDATE audit_events SET seq = 9 WHERE seq = 10;");
        await seeded.Store.ExecuteAsync("UPDATE audit_events SET seq = 10 WHERE seq = -9;");

        var result = await seeded.VerifyAsync(seeded.Anchors());

        Assert.False(result.Ok);
        Assert.Equal(9, result.FirstBadSeq);
        Assert.Contains(result.Reason, new[] { AuditVerificationReasons.PrevHashMismatch, AuditVerificationReasons.HashMismatch });
    }

    [Fact]
    public async Task TheTailTruncated_IsCaughtWithTheAnchor_AtTheFirstMissingSeq()
    {
        using var seeded = await SeedAsync();
        await seeded.Store.ExecuteAsync("DELETE FROM audit_events WHERE seq > 15;");

        var withoutAnchor = await seeded.VerifyAsync();
        var withAnchor = await seeded.VerifyAsync(seeded.Anchors());

        Assert.True(withoutAnchor.Ok);
        Assert.Equal((false, 15L, 16L, AuditVerificationReasons.AnchorMissing), (withAnchor.Ok, withAnchor.EventsVerified, withAnchor.FirstBadSeq!.Value, withAnchor.Reason));
    }

    [Fact]
    public async Task ACheckpointSignatureAltered_IsCaughtAtTheCheckpoint_EvenWithTheChainRecomputed()
    {
        using var seeded = await SeedAsync();
        await seeded.Store.DropGuardsAsync();
        await seeded.Store.RechainAsync(12, (seq, payload) =>
        {
            if (seq == 12)
            {
                var jws = payload[AuditCheckpoint.JwsField]!.GetValue<string>();
                payload[AuditCheckpoint.JwsField] = jws[..^3] + (jws[^3] == 'A' ? 'B' : 'A') + jws[^2..];
            }
        });

        var result = await seeded.VerifyAsync();

        Assert.Equal((false, 11L, 12L, AuditVerificationReasons.CheckpointSignatureInvalid), (result.Ok, result.EventsVerified, result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public async Task ACheckpointSignatureAltered_WithoutRecomputing_IsCaughtAtTheCheckpointToo()
    {
        using var seeded = await SeedAsync();
        await seeded.Store.DropGuardsAsync();
        await seeded.Store.ExecuteAsync("UPDATE audit_events SET payload = replace(payload, '\"jws\":\"ey', '\"jws\":\"EY') WHERE seq = 18;");

        var result = await seeded.VerifyAsync();

        Assert.Equal((false, 18L, AuditVerificationReasons.PayloadDigestMismatch), (result.Ok, result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public async Task ARewrittenAndRechainedPast_IsCaughtAtTheNextCheckpoint()
    {
        using var seeded = await SeedAsync();
        await seeded.Store.DropGuardsAsync();
        await seeded.Store.RechainAsync(8, (seq, payload) =>
        {
            if (seq == 8)
            {
                payload["outcome"] = "failure";
            }
        });

        var result = await seeded.VerifyAsync();

        Assert.Equal((false, 12L, AuditVerificationReasons.CheckpointMismatch), (result.Ok, result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public async Task AChainResignedWithAPlantedKey_PassesOnItsOwnKeys_ButNotTheAnchorNorTheOriginalJwks()
    {
        using var seeded = await SeedAsync();
        var store = seeded.Store;
        var originalJwks = JsonWebKeySet.ToJson([EcPublicJwk.FromKey(seeded.Kid, seeded.Key)]).ToJsonString();
        await store.DropGuardsAsync();
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forgedKid = SigningKeyPurposes.Kid(SigningKeyPurposes.Audit, EcPublicJwk.FromKey("-", forger));
        await store.PlantAuditKeyAsync(EcPublicJwk.FromKey(forgedKid, forger));
        // Rewrite event 8, then recompute everything after it, re-signing each checkpoint over the new hashes.
        await store.RechainAsync(1, (seq, payload) =>
        {
            if (seq == 8)
            {
                payload["outcome"] = "failure";
            }
        });
        foreach (var cpSeq in new long[] { 6, 12, 18, 24 })
        {
            var covered = (await store.AuditRowsAsync()).Single(r => r.Seq == cpSeq - 1);
            var statement = new AuditCheckpoint(covered.Seq, covered.Hash, DateTimeOffset.UtcNow);
            await store.RechainAsync(cpSeq, (seq, payload) =>
            {
                if (seq == cpSeq)
                {
                    payload[AuditCheckpoint.HashField] = covered.Hash;
                    payload[AuditCheckpoint.JwsField] = CheckpointJws.Sign(statement, forgedKid, forger);
                }
            });
        }

        var ownKeys = await seeded.VerifyAsync();
        var anchored = await seeded.VerifyAsync(seeded.Anchors());
        using var trueKeys = CheckpointKeyRing.FromJwks(originalJwks);
        var jwks = await seeded.VerifyAsync(keys: trueKeys);

        Assert.True(ownKeys.Ok, ownKeys.Detail);
        Assert.Equal((false, 6L, AuditVerificationReasons.AnchorMismatch), (anchored.Ok, anchored.FirstBadSeq!.Value, anchored.Reason));
        Assert.Equal((false, 6L, AuditVerificationReasons.CheckpointUnknownKey), (jwks.Ok, jwks.FirstBadSeq!.Value, jwks.Reason));
    }

    [Fact]
    public async Task AStoreWithCheckpoints_FailsWithoutKeys_AsUnknownKey()
    {
        using var seeded = await SeedAsync();

        var result = await seeded.Store.VerifyAsync();

        Assert.Equal((6L, AuditVerificationReasons.CheckpointUnknownKey), (result.FirstBadSeq!.Value, result.Reason));
    }
}
