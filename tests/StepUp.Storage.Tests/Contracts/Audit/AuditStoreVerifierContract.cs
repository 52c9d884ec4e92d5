using System.Data.Common;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>
/// <see cref="AuditStoreVerifier"/> over each store, and the store's append-only guard. Tampering goes
/// straight to the database, as an attacker (or a bad restore) would.
/// </summary>
public abstract class AuditStoreVerifierContract(IStoreProvider provider) : AuditContract(provider)
{
    private async Task<AuditStore> SeedAsync(int count = 20)
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System);
        await appender.AppendAsync(Enumerable.Range(0, count).Select(i => new AuditEventDraft
        {
            Type = "decision.evaluated",
            Payload = new JsonObject
            {
                ["outcome"] = "success",
                ["subject"] = new JsonObject { ["id"] = $"user-{i}" },
                ["context"] = new JsonObject { ["ip"] = "81.2.69.142" },
            },
        }).ToList(), Ct);
        return store;
    }

    [Fact]
    public async Task Verify_AcceptsAnUntouchedStore()
    {
        var store = await SeedAsync();

        Assert.Equal(new AuditVerification(true, 20, 20, null, null), await store.VerifyAsync());
    }

    [Fact]
    public async Task Verify_AcceptsAnEmptyStore() =>
        Assert.Equal(new AuditVerification(true, 0, 0, null, null), await (await OpenStoreAsync()).VerifyAsync());

    [Fact]
    public async Task Verify_DetectsAnEditedPayload()
    {
        var store = await SeedAsync();
        await store.DropGuardsAsync();
        await store.ExecuteAsync("UPDATE audit_events SET payload = replace(payload, 'success', 'failure') WHERE seq = 8;");

        Assert.Equal(new AuditVerification(false, 7, 7, 8, AuditVerificationReasons.PayloadDigestMismatch), await store.VerifyAsync());
    }

    [Fact]
    public async Task Verify_DetectsAnEditedEnvelope()
    {
        var store = await SeedAsync();
        await store.DropGuardsAsync();
        await store.ExecuteAsync("UPDATE audit_events SET type = 'elevation.granted' WHERE seq = 12;");

        Assert.Equal(new AuditVerification(false, 11, 11, 12, AuditVerificationReasons.HashMismatch), await store.VerifyAsync());
    }

    [Fact]
    public async Task Verify_DetectsADeletedRow()
    {
        var store = await SeedAsync();
        await store.ExecuteAsync("DELETE FROM audit_events WHERE seq = 5;");

        Assert.Equal(new AuditVerification(false, 4, 4, 5, AuditVerificationReasons.SeqGap), await store.VerifyAsync());
    }

    [Fact]
    public async Task Verify_CannotSeeATruncatedTail_WithoutACheckpointAnchor()
    {
        // Truncation is invisible to the chain alone; checkpoints (SPEC §7) anchor the head.
        var store = await SeedAsync();
        await store.ExecuteAsync("DELETE FROM audit_events WHERE seq > 15;");

        Assert.Equal(new AuditVerification(true, 15, 15, null, null), await store.VerifyAsync());
    }

    [Fact]
    public async Task Verify_DetectsReorderedRows()
    {
        var store = await SeedAsync();
        await store.DropGuardsAsync();
        // Swap the contents of rows 6 and 7 while keeping their seq keys.
        await store.ExecuteAsync("UPDATE audit_events SET seq = -6 WHERE seq = 6;");
        await store.ExecuteAsync("UPDATE audit_events SET seq = 6 WHERE seq = 7;");
        await store.ExecuteAsync("UPDATE audit_events SET seq = 7 WHERE seq = -6;");

        var result = await store.VerifyAsync();

        Assert.False(result.Ok);
        Assert.Equal(6, result.FirstBadSeq);
        Assert.Contains(result.Reason, new[] { AuditVerificationReasons.PrevHashMismatch, AuditVerificationReasons.HashMismatch });
    }

    [Fact]
    public async Task Verify_DetectsAWrongPrevHash()
    {
        var store = await SeedAsync();
        await store.DropGuardsAsync();
        await store.ExecuteAsync($"UPDATE audit_events SET prev_hash = '{AuditChain.GenesisHash}' WHERE seq = 9;");

        Assert.Equal(new AuditVerification(false, 8, 8, 9, AuditVerificationReasons.PrevHashMismatch), await store.VerifyAsync());
    }

    [Fact]
    public async Task Verify_ReportsAnUnreadablePayloadAsMalformed()
    {
        var store = await SeedAsync();
        await store.DropGuardsAsync();
        await store.ExecuteAsync("UPDATE audit_events SET payload = '{not json' WHERE seq = 3;");

        Assert.Equal(new AuditVerification(false, 2, 2, 3, AuditVerificationReasons.MalformedEvent), await store.VerifyAsync());
    }

    [Fact]
    public async Task Verify_AcceptsErasedEvents()
    {
        var store = await SeedAsync();
        await store.ExecuteAsync("UPDATE audit_events SET payload = NULL, erased = TRUE, subject_id = NULL, ip = NULL WHERE seq IN (3, 4, 17);");

        Assert.Equal(new AuditVerification(true, 20, 20, null, null), await store.VerifyAsync());
        var erased = await store.Reader.QueryAsync(new AuditQuery { Limit = 20 }, Ct);
        Assert.Equal([17L, 4L, 3L], erased.Events.Where(e => e.Erased).Select(e => e.Seq));
        Assert.All(erased.Events.Where(e => e.Erased), e => Assert.Empty(e.Payload));
    }

    [Theory]
    [InlineData("UPDATE audit_events SET payload = '{}' WHERE seq = 2;")]
    [InlineData("UPDATE audit_events SET hash = 'x' WHERE seq = 2;")]
    [InlineData("UPDATE audit_events SET type = 'x' WHERE seq = 2;")]
    [InlineData("UPDATE audit_events SET time_ms = 0 WHERE seq = 2;")]
    [InlineData("UPDATE audit_events SET subject_id = 'mallory' WHERE seq = 2;")]
    [InlineData("UPDATE audit_events SET erased = FALSE WHERE seq = 2;")]
    public async Task AppendOnlyGuard_RefusesAnythingButErasure(string sql)
    {
        var store = await SeedAsync(3);
        if (sql.Contains("erased = FALSE", StringComparison.Ordinal))
        {
            await store.ExecuteAsync("UPDATE audit_events SET payload = NULL, erased = TRUE WHERE seq = 2;");
        }

        var error = await Assert.ThrowsAnyAsync<DbException>(() => store.ExecuteAsync(sql));

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        Assert.Equal(new AuditVerification(true, 3, 3, null, null), await store.VerifyAsync());
    }
}
