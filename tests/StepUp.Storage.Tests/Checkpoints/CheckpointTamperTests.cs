using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;

namespace StepUp.Storage.Tests.Checkpoints;

// The tamper acceptance tests of issue 4 against a stored chain with checkpoints. The attacker has
// the database file: they drop the append-only trigger first. Layout: decisions 1-5, checkpoint 6,
// 7-11, checkpoint 12, 13-17, checkpoint 18, 19-23, checkpoint 24.
public sealed class CheckpointTamperTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private async Task<CheckpointedStore> SeedAsync() => await CheckpointedStore.SeedAsync(temp.OpenDatabase());

    [Fact]
    public async Task Verify_AcceptsTheUntouchedStore_WithEveryCheckpointAndAnchor()
    {
        using var store = await SeedAsync();

        var result = await store.VerifyAsync(store.Anchors());

        Assert.True(result.Ok, result.Detail);
        Assert.Equal((24L, 24L, 4L, 4L), (result.EventsVerified, result.LastSeq, result.CheckpointsVerified, result.AnchorsVerified));
        Assert.Equal(23, result.LastCheckpoint!.Seq);
    }

    [Fact]
    public async Task OneFieldOfOneRowChanged_IsCaughtAtThatSeq()
    {
        using var store = await SeedAsync();
        store.DropGuards();
        RawSql.Execute(store.Database, "UPDATE audit_events SET payload = replace(payload, 'user-7', 'user-X') WHERE seq = 8;");

        var result = await store.VerifyAsync(store.Anchors());

        Assert.Equal((false, 8L, AuditVerificationReasons.PayloadDigestMismatch), (result.Ok, result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public async Task ARowDeleted_IsCaughtAtThatSeq()
    {
        using var store = await SeedAsync();
        RawSql.Execute(store.Database, "DELETE FROM audit_events WHERE seq = 14;");

        var result = await store.VerifyAsync(store.Anchors());

        Assert.Equal((false, 14L, AuditVerificationReasons.SeqGap), (result.Ok, result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public async Task TwoRowsSwapped_AreCaughtAtTheFirst()
    {
        using var store = await SeedAsync();
        store.DropGuards();
        RawSql.Execute(store.Database, """
            UPDATE audit_events SET seq = -9 WHERE seq = 9;
            UPDATE audit_events SET seq = 9 WHERE seq = 10;
            UPDATE audit_events SET seq = 10 WHERE seq = -9;
            """);

        var result = await store.VerifyAsync(store.Anchors());

        Assert.False(result.Ok);
        Assert.Equal(9, result.FirstBadSeq);
        Assert.Contains(result.Reason, new[] { AuditVerificationReasons.PrevHashMismatch, AuditVerificationReasons.HashMismatch });
    }

    [Fact]
    public async Task TheTailTruncated_IsCaughtWithTheAnchor_AtTheFirstMissingSeq()
    {
        using var store = await SeedAsync();
        RawSql.Execute(store.Database, "DELETE FROM audit_events WHERE seq > 15;");

        var withoutAnchor = await store.VerifyAsync();
        var withAnchor = await store.VerifyAsync(store.Anchors());

        Assert.True(withoutAnchor.Ok);
        Assert.Equal((false, 15L, 16L, AuditVerificationReasons.AnchorMissing), (withAnchor.Ok, withAnchor.EventsVerified, withAnchor.FirstBadSeq!.Value, withAnchor.Reason));
    }

    [Fact]
    public async Task ACheckpointSignatureAltered_IsCaughtAtTheCheckpoint_EvenWithTheChainRecomputed()
    {
        using var store = await SeedAsync();
        store.DropGuards();
        store.Rechain(12, (seq, payload) =>
        {
            if (seq == 12)
            {
                var jws = payload[AuditCheckpoint.JwsField]!.GetValue<string>();
                payload[AuditCheckpoint.JwsField] = jws[..^3] + (jws[^3] == 'A' ? 'B' : 'A') + jws[^2..];
            }
        });

        var result = await store.VerifyAsync();

        Assert.Equal((false, 11L, 12L, AuditVerificationReasons.CheckpointSignatureInvalid), (result.Ok, result.EventsVerified, result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public async Task ACheckpointSignatureAltered_WithoutRecomputing_IsCaughtAtTheCheckpointToo()
    {
        using var store = await SeedAsync();
        store.DropGuards();
        RawSql.Execute(store.Database, "UPDATE audit_events SET payload = replace(payload, '\"jws\":\"ey', '\"jws\":\"EY') WHERE seq = 18;");

        var result = await store.VerifyAsync();

        Assert.Equal((false, 18L, AuditVerificationReasons.PayloadDigestMismatch), (result.Ok, result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public async Task ARewrittenAndRechainedPast_IsCaughtAtTheNextCheckpoint()
    {
        using var store = await SeedAsync();
        store.DropGuards();
        store.Rechain(8, (seq, payload) =>
        {
            if (seq == 8)
            {
                payload["outcome"] = "failure";
            }
        });

        var result = await store.VerifyAsync();

        Assert.Equal((false, 12L, AuditVerificationReasons.CheckpointMismatch), (result.Ok, result.FirstBadSeq!.Value, result.Reason));
    }

    [Fact]
    public async Task AChainResignedWithAPlantedKey_PassesOnItsOwnKeys_ButNotTheAnchorNorTheOriginalJwks()
    {
        using var store = await SeedAsync();
        var originalJwks = JsonWebKeySet.ToJson([EcPublicJwk.FromKey(store.Kid, store.Key)]).ToJsonString();
        store.DropGuards();
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forgedKid = SigningKeyPurposes.Kid(SigningKeyPurposes.Audit, EcPublicJwk.FromKey("-", forger));
        RawSql.Execute(store.Database, "DELETE FROM signing_keys;");
        RawSql.Execute(store.Database,
            $"INSERT INTO signing_keys (kid, purpose, alg, private_key, public_jwk, created_at) VALUES ('{forgedKid}', 'audit', 'ES256', x'00', '{EcPublicJwk.FromKey(forgedKid, forger).ToJson().ToJsonString()}', '2026-01-01T00:00:00.000Z');");
        // Rewrite event 8, then recompute everything after it, re-signing each checkpoint over the new hashes.
        var hashes = new Dictionary<long, string>();
        store.Rechain(1, (seq, payload) =>
        {
            if (seq == 8)
            {
                payload["outcome"] = "failure";
            }
        });
        foreach (var cpSeq in new long[] { 6, 12, 18, 24 })
        {
            var rows = RawSql.AuditRows(store.Database);
            var covered = rows.Single(r => r.Seq == cpSeq - 1);
            var statement = new AuditCheckpoint(covered.Seq, covered.Hash, DateTimeOffset.UtcNow);
            store.Rechain(cpSeq, (seq, payload) =>
            {
                if (seq == cpSeq)
                {
                    payload[AuditCheckpoint.HashField] = covered.Hash;
                    payload[AuditCheckpoint.JwsField] = CheckpointJws.Sign(statement, forgedKid, forger);
                }
            });
        }

        var ownKeys = await store.VerifyAsync();
        var anchored = await store.VerifyAsync(store.Anchors());
        using var trueKeys = CheckpointKeyRing.FromJwks(originalJwks);
        var jwks = await store.VerifyAsync(keys: trueKeys);

        Assert.True(ownKeys.Ok, ownKeys.Detail);
        Assert.Equal((false, 6L, AuditVerificationReasons.AnchorMismatch), (anchored.Ok, anchored.FirstBadSeq!.Value, anchored.Reason));
        Assert.Equal((false, 6L, AuditVerificationReasons.CheckpointUnknownKey), (jwks.Ok, jwks.FirstBadSeq!.Value, jwks.Reason));
    }

    [Fact]
    public async Task AStoreWithCheckpoints_FailsWithoutKeys_AsUnknownKey()
    {
        using var store = await SeedAsync();

        var result = await new AuditStoreVerifier(new StepUp.Storage.Sqlite.SqliteAuditReader(store.Database)).VerifyAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal((6L, AuditVerificationReasons.CheckpointUnknownKey), (result.FirstBadSeq!.Value, result.Reason));
    }
}
