using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Security;
using StepUp.Storage.Retention;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>
/// The audit stores of one provider over one <see cref="StoreDatabase"/>, plus what the tests do
/// behind their back: read raw rows, drop the guards and tamper as an attacker with database access.
/// </summary>
public abstract class AuditStore(StoreDatabase database)
{
    public static AuditStore For(StoreDatabase database) => database switch
    {
        SqliteStoreDatabase sqlite => new SqliteAuditStore(sqlite),
        PostgresStoreDatabase postgres => new PostgresAuditStore(postgres),
        _ => throw new NotSupportedException(database.Provider),
    };

    public StoreDatabase Database => database;

    public abstract IAuditReader Reader { get; }

    public abstract IAuditForwardReader ForwardReader { get; }

    public abstract IAuditRollupReader Rollups { get; }

    /// <summary>A new appender (group-commit writer) of this node; the test disposes it.</summary>
    public abstract TestAuditAppender OpenAppender(TimeProvider clock, int queueCapacity = 4096, int maxBatchSize = 512);

    public abstract IAuditRetention Retention(TimeProvider clock);

    /// <summary>The stored rows, in seq order, exactly as stored.</summary>
    public abstract Task<List<AuditRow>> AuditRowsAsync();

    /// <summary>What an attacker with write access does first: drop the append-only and signing-key triggers.</summary>
    public abstract Task DropGuardsAsync();

    /// <summary>Makes every insert whose payload contains <paramref name="marker"/> fail (a failing commit).</summary>
    public abstract Task FailInsertsContainingAsync(string marker);

    /// <summary>True for the provider's unique-constraint violation.</summary>
    public abstract bool IsUniqueViolation(Exception error);

    /// <summary>Replaces every stored signing key by <paramref name="jwk"/> (after <see cref="DropGuardsAsync"/>).</summary>
    public abstract Task PlantAuditKeyAsync(EcPublicJwk jwk);

    public Task<int> ExecuteAsync(string sql) => database.ExecuteAsync(sql);

    public Task<object?> ScalarAsync(string sql) => database.ScalarAsync(sql);

    /// <summary>A verifier over this store with its own keys and pruning state.</summary>
    public AuditStoreVerifier Verifier(bool withKeys = false, bool withRetention = false) =>
        new(Reader, withKeys ? database.SigningKeys : null, withRetention ? Retention(TimeProvider.System) : null);

    /// <summary>Verifies the whole chain (no keys).</summary>
    public Task<AuditVerification> VerifyAsync() =>
        Verifier().VerifyAsync(cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Every stored event, oldest first, through <see cref="IAuditReader.ReadRangeAsync"/>.</summary>
    public async Task<List<AuditEvent>> AllAsync()
    {
        var events = new List<AuditEvent>();
        await foreach (var evt in Reader.ReadRangeAsync(1, TestContext.Current.CancellationToken))
        {
            events.Add(evt);
        }

        return events;
    }

    /// <summary>Edits payloads with <paramref name="edit"/> and recomputes digest and hash of every row from <paramref name="fromSeq"/> on (guards dropped first).</summary>
    public async Task RechainAsync(long fromSeq, Action<long, JsonObject>? edit = null)
    {
        var rows = await AuditRowsAsync();
        var prev = fromSeq == 1 ? AuditChain.GenesisHash : rows.Single(r => r.Seq == fromSeq - 1).Hash;
        foreach (var row in rows.Where(r => r.Seq >= fromSeq))
        {
            var payload = (JsonObject)JsonNode.Parse(row.Payload!)!;
            edit?.Invoke(row.Seq, payload);
            var canonical = Jcs.CanonicalizeToString(payload);
            var digest = AuditChain.PayloadDigest(payload);
            Assert.True(AuditTime.TryParse(row.Time, out var time));
            var hash = AuditChain.Hash(row.Seq, row.Id, time, row.Type, prev, digest);
            await ExecuteAsync($"UPDATE audit_events SET payload = {Literal(canonical)}, payload_digest = '{digest}', prev_hash = '{prev}', hash = '{hash}' WHERE seq = {row.Seq}");
            prev = hash;
        }
    }

    /// <summary>A SQL string literal (standard quoting, the same in SQLite and PostgreSQL).</summary>
    protected static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>One <c>audit_events</c> row as stored (erased as 0/1 whatever the provider's type).</summary>
public sealed record AuditRow(long Seq, string Id, string Time, long TimeMs, string Type, string PrevHash, string PayloadDigest, string Hash, string? Payload, long Erased);
