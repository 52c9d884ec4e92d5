using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Sqlite;

// Tampering with the file directly, as an attacker (or a bad restore) would.
public sealed class AuditStoreVerifierTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private async Task<SqliteDatabase> SeedAsync(int count = 20)
    {
        var database = temp.OpenDatabase();
        await using var appender = new SqliteAuditAppender(database, TimeProvider.System);
        await appender.AppendAsync(Enumerable.Range(0, count).Select(i => new AuditEventDraft
        {
            Type = "decision.evaluated",
            Payload = new JsonObject
            {
                ["outcome"] = "success",
                ["subject"] = new JsonObject { ["id"] = $"user-{i}" },
                ["context"] = new JsonObject { ["ip"] = "81.2.69.142" },
            },
        }).ToList(), TestContext.Current.CancellationToken);
        return database;
    }

    private static Task<AuditVerification> VerifyAsync(SqliteDatabase database) =>
        new AuditStoreVerifier(new SqliteAuditReader(database)).VerifyAsync(cancellationToken: TestContext.Current.CancellationToken);

    private static void DropGuard(SqliteDatabase database) =>
        RawSql.Execute(database, "DROP TRIGGER audit_events_append_only;");

    [Fact]
    public async Task Verify_AcceptsAnUntouchedStore()
    {
        var database = await SeedAsync();

        Assert.Equal(new AuditVerification(true, 20, 20, null, null), await VerifyAsync(database));
    }

    [Fact]
    public async Task Verify_AcceptsAnEmptyStore() =>
        Assert.Equal(new AuditVerification(true, 0, 0, null, null), await VerifyAsync(temp.OpenDatabase()));

    [Fact]
    public async Task Verify_DetectsAnEditedPayload()
    {
        var database = await SeedAsync();
        DropGuard(database);
        RawSql.Execute(database, "UPDATE audit_events SET payload = replace(payload, 'success', 'failure') WHERE seq = 8;");

        Assert.Equal(new AuditVerification(false, 7, 7, 8, AuditVerificationReasons.PayloadDigestMismatch), await VerifyAsync(database));
    }

    [Fact]
    public async Task Verify_DetectsAnEditedEnvelope()
    {
        var database = await SeedAsync();
        DropGuard(database);
        RawSql.Execute(database, "UPDATE audit_events SET type = 'elevation.granted' WHERE seq = 12;");

        Assert.Equal(new AuditVerification(false, 11, 11, 12, AuditVerificationReasons.HashMismatch), await VerifyAsync(database));
    }

    [Fact]
    public async Task Verify_DetectsADeletedRow()
    {
        var database = await SeedAsync();
        RawSql.Execute(database, "DELETE FROM audit_events WHERE seq = 5;");

        Assert.Equal(new AuditVerification(false, 4, 4, 5, AuditVerificationReasons.SeqGap), await VerifyAsync(database));
    }

    [Fact]
    public async Task Verify_CannotSeeATruncatedTail_WithoutACheckpointAnchor()
    {
        // Truncation is invisible to the chain alone; checkpoints (SPEC §7) anchor the head.
        var database = await SeedAsync();
        RawSql.Execute(database, "DELETE FROM audit_events WHERE seq > 15;");

        Assert.Equal(new AuditVerification(true, 15, 15, null, null), await VerifyAsync(database));
    }

    [Fact]
    public async Task Verify_DetectsReorderedRows()
    {
        var database = await SeedAsync();
        DropGuard(database);
        // Swap the contents of rows 6 and 7 while keeping their seq keys.
        RawSql.Execute(database, """
            UPDATE audit_events SET seq = -6 WHERE seq = 6;
            UPDATE audit_events SET seq = 6 WHERE seq = 7;
            UPDATE audit_events SET seq = 7 WHERE seq = -6;
            """);

        var result = await VerifyAsync(database);

        Assert.False(result.Ok);
        Assert.Equal(6, result.FirstBadSeq);
        Assert.Contains(result.Reason, new[] { AuditVerificationReasons.PrevHashMismatch, AuditVerificationReasons.HashMismatch });
    }

    [Fact]
    public async Task Verify_DetectsAWrongPrevHash()
    {
        var database = await SeedAsync();
        DropGuard(database);
        RawSql.Execute(database, $"UPDATE audit_events SET prev_hash = '{AuditChain.GenesisHash}' WHERE seq = 9;");

        Assert.Equal(new AuditVerification(false, 8, 8, 9, AuditVerificationReasons.PrevHashMismatch), await VerifyAsync(database));
    }

    [Fact]
    public async Task Verify_ReportsAnUnreadablePayloadAsMalformed()
    {
        var database = await SeedAsync();
        DropGuard(database);
        RawSql.Execute(database, "UPDATE audit_events SET payload = '{not json' WHERE seq = 3;");

        Assert.Equal(new AuditVerification(false, 2, 2, 3, AuditVerificationReasons.MalformedEvent), await VerifyAsync(database));
    }

    [Fact]
    public async Task Verify_AcceptsErasedEvents()
    {
        var database = await SeedAsync();
        RawSql.Execute(database, "UPDATE audit_events SET payload = NULL, erased = 1, subject_id = NULL, ip = NULL WHERE seq IN (3, 4, 17);");

        Assert.Equal(new AuditVerification(true, 20, 20, null, null), await VerifyAsync(database));
        var erased = await new SqliteAuditReader(database).QueryAsync(new AuditQuery { Limit = 20 }, TestContext.Current.CancellationToken);
        Assert.Equal([17L, 4L, 3L], erased.Events.Where(e => e.Erased).Select(e => e.Seq));
        Assert.All(erased.Events.Where(e => e.Erased), e => Assert.Empty(e.Payload));
    }

    [Theory]
    [InlineData("UPDATE audit_events SET payload = '{}' WHERE seq = 2;")]
    [InlineData("UPDATE audit_events SET hash = 'x' WHERE seq = 2;")]
    [InlineData("UPDATE audit_events SET type = 'x' WHERE seq = 2;")]
    [InlineData("UPDATE audit_events SET subject_id = 'mallory' WHERE seq = 2;")]
    [InlineData("UPDATE audit_events SET erased = 0 WHERE seq = 2;")]
    public async Task AppendOnlyGuard_RefusesAnythingButErasure(string sql)
    {
        var database = await SeedAsync(3);
        if (sql.Contains("erased = 0", StringComparison.Ordinal))
        {
            RawSql.Execute(database, "UPDATE audit_events SET payload = NULL, erased = 1 WHERE seq = 2;");
        }

        var error = Assert.Throws<SqliteException>(() => RawSql.Execute(database, sql));

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
    }
}
