using StepUp.Core.Audit.Checkpoints;

namespace StepUp.Cli.Tests.Commands;

// Issue 4's tamper acceptance through `stepup audit verify`: each case exits 1 naming the first bad
// seq and why. Layout: decisions 1-5, checkpoint 6, 7-11, checkpoint 12, 13-17, checkpoint 18,
// 19-23, checkpoint 24.
public sealed class AuditVerifyCheckpointTests
{
    [Fact]
    public async Task Database_WithCheckpoints_Exits0_CountingThem_AndAuditsTheRun()
    {
        var db = await CheckpointedDatabase.CreateAsync();

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath);

        Assert.Equal(0, exit);
        Assert.Contains("OK: 24 events verified, last seq 24; 4 checkpoints verified (the last covers seq 23, signed ", output, StringComparison.Ordinal);
        var audited = db.LastPayload();
        Assert.Equal("success", audited["outcome"]!.GetValue<string>());
        Assert.Equal(4, audited["verification"]!["checkpoints_verified"]!.GetValue<long>());
        Assert.Equal("database", audited["verification"]!["keys"]!.GetValue<string>());
    }

    [Fact]
    public async Task Database_WithAnchor_Exits0_FindingEveryAnchoredCheckpoint()
    {
        var db = await CheckpointedDatabase.CreateAsync();

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath, "--anchor", db.AnchorPath, "--jwks", db.JwksPath);

        Assert.Equal(0, exit);
        Assert.Contains("4 anchored checkpoints found in the chain", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneFieldOfOneRowChanged_Exits1_AtThatSeq()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        db.Tamper("UPDATE audit_events SET payload = replace(payload, 'user-7', 'user-X') WHERE seq = 8;");

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath, "--anchor", db.AnchorPath);

        Assert.Equal(1, exit);
        Assert.Contains("FAILED at seq 8: payload_digest_mismatch (7 events verified before it)", output, StringComparison.Ordinal);
        Assert.Contains("payload was changed", output, StringComparison.Ordinal);
        Assert.Equal("payload_digest_mismatch", db.LastPayload()["verification"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARowDeleted_Exits1_AtThatSeq()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        db.Tamper("DELETE FROM audit_events WHERE seq = 14;");

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath);

        Assert.Equal(1, exit);
        Assert.Contains("FAILED at seq 14: seq_gap", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoRowsSwapped_Exit1_AtTheFirst()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        db.Tamper("UPDATE audit_events SET seq = -9 WHERE seq = 9; UPDATE audit_events SET seq = 9 WHERE seq = 10; UPDATE audit_events SET seq = 10 WHERE seq = -9;");

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath);

        Assert.Equal(1, exit);
        Assert.Matches(@"FAILED at seq 9: (prev_hash_mismatch|hash_mismatch)", output);
    }

    [Fact]
    public async Task TheTailTruncated_PassesAlone_ButExits1WithTheAnchor_AtTheFirstMissingSeq()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        db.Tamper("DELETE FROM audit_events WHERE seq > 15;");

        var (alone, _, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath);
        db.Tamper("DELETE FROM audit_events WHERE seq > 15;"); // drop the audit.verified the first run appended
        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath, "--anchor", db.AnchorPath);

        Assert.Equal(0, alone);
        Assert.Equal(1, exit);
        Assert.Contains("FAILED at seq 16: anchor_missing (15 events verified before it)", output, StringComparison.Ordinal);
        Assert.Contains("truncated or rolled back", output, StringComparison.Ordinal);
        Assert.Contains("checkpoint at seq 18", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACheckpointSignatureAltered_Exits1_AtTheCheckpoint_EvenWithTheChainRecomputed()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        db.Rechain(12, (seq, payload) =>
        {
            if (seq == 12)
            {
                var jws = payload[AuditCheckpoint.JwsField]!.GetValue<string>();
                payload[AuditCheckpoint.JwsField] = jws[..^3] + (jws[^3] == 'A' ? 'B' : 'A') + jws[^2..];
            }
        });

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath);

        Assert.Equal(1, exit);
        Assert.Contains("FAILED at seq 12: checkpoint_signature_invalid (11 events verified before it)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARecomputedRewrite_Exits1_AtTheNextCheckpoint()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        db.Rechain(8, (seq, payload) =>
        {
            if (seq == 8)
            {
                payload["outcome"] = "failure";
            }
        });

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath);

        Assert.Equal(1, exit);
        Assert.Contains("FAILED at seq 12: checkpoint_mismatch", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExport_VerifiesOfflineWithTheJwks_AndFailsOnceOneLineIsEdited()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        var lines = await db.ExportLinesAsync();
        var export = CliRunner.TempFile(string.Join("\n", lines) + "\n", ".jsonl");

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--file", export, "--jwks", db.JwksPath, "--anchor", db.AnchorPath);
        Assert.Equal(0, exit);
        Assert.Contains("OK: 24 events verified, last seq 24; 4 checkpoints verified", output, StringComparison.Ordinal);

        lines[7] = lines[7].Replace("\"outcome\":\"success\"", "\"outcome\":\"failure\"", StringComparison.Ordinal);
        var edited = CliRunner.TempFile(string.Join("\n", lines) + "\n", ".jsonl");
        var (exit2, output2, _) = CliRunner.Run("audit", "verify", "--file", edited, "--jwks", db.JwksPath);
        Assert.Equal(1, exit2);
        Assert.Contains("FAILED at seq 8: payload_digest_mismatch", output2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExport_WithoutTheJwks_CannotCheckCheckpoints_AndSaysSo()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        var export = CliRunner.TempFile(string.Join("\n", await db.ExportLinesAsync()), ".jsonl");

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--file", export);

        Assert.Equal(1, exit);
        Assert.Contains("FAILED at seq 6: checkpoint_unknown_key", output, StringComparison.Ordinal);
        Assert.Contains("pass --jwks", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATruncatedExport_IsCaughtWithTheAnchor()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        var export = CliRunner.TempFile(string.Join("\n", (await db.ExportLinesAsync()).Take(20)), ".jsonl");

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--file", export, "--jwks", db.JwksPath, "--anchor", db.AnchorPath);

        Assert.Equal(1, exit);
        Assert.Contains("FAILED at seq 21: anchor_missing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANonJwksOrNonAnchorFile_Exits1_SayingWhich()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        var notJwks = CliRunner.TempFile("{\"no\":\"keys\"}", ".json");
        var notAnchor = CliRunner.TempFile("{\"seq\":1}\n", ".jsonl");

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath, "--jwks", notJwks);
        var (exit2, output2, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath, "--anchor", notAnchor);

        Assert.Equal((1, 1), (exit, exit2));
        Assert.Contains("cannot read the JWK Set", output, StringComparison.Ordinal);
        Assert.Contains("cannot read the anchor file", output2, StringComparison.Ordinal);
        Assert.Contains("line 1", output2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADatabaseResignedWithAPlantedKey_IsCaughtByTheSavedJwks()
    {
        var db = await CheckpointedDatabase.CreateAsync();
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var forgedKid = Core.Security.SigningKeyPurposes.Kid(Core.Security.SigningKeyPurposes.Audit, Core.Security.EcPublicJwk.FromKey("-", forger));
        db.Tamper($"DROP TRIGGER signing_keys_keep_audit_keys; DELETE FROM signing_keys; INSERT INTO signing_keys (kid, purpose, alg, private_key, public_jwk, created_at) VALUES ('{forgedKid}', 'audit', 'ES256', x'00', '{Core.Security.EcPublicJwk.FromKey(forgedKid, forger).ToJson().ToJsonString()}', '2026-01-01T00:00:00.000Z');");
        db.Rechain(6, (seq, payload) =>
        {
            if (seq == 6)
            {
                var statement = new AuditCheckpoint(5, payload[AuditCheckpoint.HashField]!.GetValue<string>(), DateTimeOffset.UtcNow);
                payload[AuditCheckpoint.JwsField] = CheckpointJws.Sign(statement, forgedKid, forger);
            }
        });
        db.Tamper("DELETE FROM audit_events WHERE seq > 6;");

        var (own, _, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath);
        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath, "--jwks", db.JwksPath);

        Assert.Equal(0, own);
        Assert.Equal(1, exit);
        Assert.Contains("FAILED at seq 6: checkpoint_unknown_key", output, StringComparison.Ordinal);
    }
}
