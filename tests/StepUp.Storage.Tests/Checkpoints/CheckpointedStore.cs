using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;
using StepUp.Storage.Keys;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Checkpoints;

/// <summary>
/// A database seeded the way the server fills it: decisions, and after every few a checkpoint signed
/// with an audit key stored (sealed) in <c>signing_keys</c>; plus the attacker's tools to rewrite it.
/// </summary>
internal sealed class CheckpointedStore : IDisposable
{
    private CheckpointedStore(SqliteDatabase database, ECDsa key, string kid)
    {
        Database = database;
        Key = key;
        Kid = kid;
    }

    public SqliteDatabase Database { get; }

    public ECDsa Key { get; }

    public string Kid { get; }

    /// <summary>The checkpoint events, as the server copies them to its checkpoint file.</summary>
    public List<string> AnchorLines { get; } = [];

    /// <summary>Seq layout for (20, 5): decisions 1-5, checkpoint 6, 7-11, checkpoint 12, 13-17, checkpoint 18, 19-23, checkpoint 24.</summary>
    public static async Task<CheckpointedStore> SeedAsync(SqliteDatabase database, int decisions = 20, int every = 5)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = SigningKeyPurposes.Kid(SigningKeyPurposes.Audit, EcPublicJwk.FromKey("-", key));
        using (var box = new SecretBox(SecretBox.GenerateKey()))
        {
            var added = await new SqliteSigningKeyStore(database, TimeProvider.System).TryAddActiveAsync(new SigningKeyRecord
            {
                Kid = kid,
                Purpose = SigningKeyPurposes.Audit,
                PublicKey = EcPublicJwk.FromKey(kid, key),
                SealedPrivateKey = box.Seal(key.ExportPkcs8PrivateKey(), SigningKeyRecord.AssociatedData(kid)),
                CreatedAt = AuditTime.Truncate(DateTimeOffset.UtcNow),
            });
            Assert.True(added);
        }

        var store = new CheckpointedStore(database, key, kid);
        await using var appender = new SqliteAuditAppender(database, TimeProvider.System);
        AuditEvent last = null!;
        for (var i = 1; i <= decisions; i++)
        {
            last = await appender.AppendAsync(new AuditEventDraft
            {
                Type = AuditEventTypes.DecisionEvaluated,
                Payload = new JsonObject { ["outcome"] = "success", ["subject"] = new JsonObject { ["id"] = $"user-{i}" }, ["action"] = "payments.transfer" },
            });
            if (i % every == 0)
            {
                var statement = new AuditCheckpoint(last.Seq, last.Hash, last.Time);
                var checkpoint = await appender.AppendAsync(new AuditEventDraft
                {
                    Type = AuditEventTypes.AuditCheckpoint,
                    Payload = statement.ToEventPayload(CheckpointJws.Sign(statement, kid, key)),
                });
                store.AnchorLines.Add(checkpoint.ToJson());
            }
        }

        return store;
    }

    public IReadOnlyList<CheckpointAnchor> Anchors() => CheckpointAnchor.ParseLines(AnchorLines);

    public Task<AuditVerification> VerifyAsync(IReadOnlyList<CheckpointAnchor>? anchors = null, CheckpointKeyRing? keys = null) =>
        new AuditStoreVerifier(new SqliteAuditReader(Database), new SqliteSigningKeyStore(Database, TimeProvider.System))
            .VerifyAsync(new Storage.Checkpoints.AuditStoreVerifyOptions { Anchors = anchors ?? [], Keys = keys }, TestContext.Current.CancellationToken);

    /// <summary>What an attacker with the file does first.</summary>
    public void DropGuards()
    {
        RawSql.Execute(Database, "DROP TRIGGER IF EXISTS audit_events_append_only; DROP TRIGGER IF EXISTS signing_keys_immutable; DROP TRIGGER IF EXISTS signing_keys_keep_audit_keys;");
    }

    /// <summary>Edits payloads with <paramref name="edit"/> and recomputes digest and hash of every row from <paramref name="fromSeq"/> on.</summary>
    public void Rechain(long fromSeq, Action<long, JsonObject>? edit = null)
    {
        var rows = RawSql.AuditRows(Database);
        var prev = fromSeq == 1 ? AuditChain.GenesisHash : rows.Single(r => r.Seq == fromSeq - 1).Hash;
        using var connection = RawSql.Open(Database);
        foreach (var row in rows.Where(r => r.Seq >= fromSeq))
        {
            var payload = (JsonObject)JsonNode.Parse(row.Payload!)!;
            edit?.Invoke(row.Seq, payload);
            var canonical = Jcs.Canonicalize(payload);
            var digest = AuditChain.PayloadDigest(canonical);
            Assert.True(AuditTime.TryParse(row.Time, out var time));
            var hash = AuditChain.Hash(row.Seq, row.Id, time, row.Type, prev, digest);
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_events SET payload = $payload, payload_digest = $digest, prev_hash = $prev, hash = $hash WHERE seq = $seq;";
            command.Parameters.AddWithValue("$payload", Encoding.UTF8.GetString(canonical));
            command.Parameters.AddWithValue("$digest", digest);
            command.Parameters.AddWithValue("$prev", prev);
            command.Parameters.AddWithValue("$hash", hash);
            command.Parameters.AddWithValue("$seq", row.Seq);
            command.ExecuteNonQuery();
            prev = hash;
        }
    }

    public void Dispose() => Key.Dispose();
}
