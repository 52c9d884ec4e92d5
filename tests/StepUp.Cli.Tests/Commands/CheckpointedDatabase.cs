using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;
using StepUp.Storage.Keys;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Tests.Commands;

/// <summary>
/// A database as the server leaves it — decisions with a signed checkpoint after every 5, the audit
/// key in <c>signing_keys</c> — plus its JWKS and anchor file, and an attacker's SQL to tamper with it.
/// Layout: decisions 1-5, checkpoint 6, 7-11, checkpoint 12, 13-17, checkpoint 18, 19-23, checkpoint 24.
/// </summary>
internal sealed class CheckpointedDatabase
{
    private CheckpointedDatabase(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "stepup.db");

    public string JwksPath => Path.Combine(Directory, "jwks.json");

    public string AnchorPath => Path.Combine(Directory, "checkpoints.jsonl");

    public static async Task<CheckpointedDatabase> CreateAsync(int decisions = 20, int every = 5)
    {
        var result = new CheckpointedDatabase(System.IO.Directory.CreateTempSubdirectory("stepup-cli-checkpoints-").FullName);
        var db = SqliteDatabase.Open($"Data Source={result.DatabasePath}", TimeProvider.System);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = SigningKeyPurposes.Kid(SigningKeyPurposes.Audit, EcPublicJwk.FromKey("-", key));
        using (var box = new SecretBox(SecretBox.GenerateKey()))
        {
            await new SqliteSigningKeyStore(db, TimeProvider.System).TryAddActiveAsync(new SigningKeyRecord
            {
                Kid = kid,
                Purpose = SigningKeyPurposes.Audit,
                PublicKey = EcPublicJwk.FromKey(kid, key),
                SealedPrivateKey = box.Seal(key.ExportPkcs8PrivateKey(), SigningKeyRecord.AssociatedData(kid)),
                CreatedAt = AuditTime.Truncate(DateTimeOffset.UtcNow),
            });
        }

        await File.WriteAllTextAsync(result.JwksPath, JsonWebKeySet.ToJson([EcPublicJwk.FromKey(kid, key)]).ToJsonString());
        var anchors = new StringBuilder();
        await using (var appender = new SqliteAuditAppender(db, TimeProvider.System))
        {
            for (var i = 1; i <= decisions; i++)
            {
                var last = await appender.AppendAsync(new AuditEventDraft
                {
                    Type = AuditEventTypes.DecisionEvaluated,
                    Payload = new JsonObject { ["outcome"] = "success", ["subject"] = new JsonObject { ["id"] = $"user-{i}" } },
                });
                if (i % every == 0)
                {
                    var statement = new AuditCheckpoint(last.Seq, last.Hash, last.Time);
                    var checkpoint = await appender.AppendAsync(new AuditEventDraft
                    {
                        Type = AuditEventTypes.AuditCheckpoint,
                        Payload = statement.ToEventPayload(CheckpointJws.Sign(statement, kid, key)),
                    });
                    anchors.Append(checkpoint.ToJson()).Append('\n');
                }
            }
        }

        await File.WriteAllTextAsync(result.AnchorPath, anchors.ToString());
        SqliteConnection.ClearAllPools();
        return result;
    }

    /// <summary>The stored chain as <c>jsonl</c> export lines, oldest first.</summary>
    public async Task<List<string>> ExportLinesAsync()
    {
        var db = SqliteDatabase.Open($"Data Source={DatabasePath}", TimeProvider.System);
        var lines = new List<string>();
        await foreach (var evt in new SqliteAuditReader(db).ReadRangeAsync(1))
        {
            lines.Add(evt.ToJson());
        }

        SqliteConnection.ClearAllPools();
        return lines;
    }

    /// <summary>Runs SQL as someone with the file: the append-only trigger dropped first.</summary>
    public void Tamper(string sql)
    {
        using (var connection = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER IF EXISTS audit_events_append_only; " + sql;
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
    }

    /// <summary>Edits stored payloads and recomputes digest and hash from <paramref name="fromSeq"/> on, so the bare chain verifies.</summary>
    public void Rechain(long fromSeq, Action<long, JsonObject> edit)
    {
        Tamper(string.Empty);
        using (var connection = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            connection.Open();
            var rows = new List<(long Seq, string Id, string Time, string Type, string Payload, string Hash)>();
            using (var select = connection.CreateCommand())
            {
                select.CommandText = "SELECT seq, id, time, type, payload, hash FROM audit_events ORDER BY seq;";
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
                }
            }

            var prev = fromSeq == 1 ? AuditChain.GenesisHash : rows.Single(r => r.Seq == fromSeq - 1).Hash;
            foreach (var row in rows.Where(r => r.Seq >= fromSeq))
            {
                var payload = (JsonObject)JsonNode.Parse(row.Payload)!;
                edit(row.Seq, payload);
                var canonical = Jcs.Canonicalize(payload);
                var digest = AuditChain.PayloadDigest(canonical);
                Assert.True(AuditTime.TryParse(row.Time, out var time));
                var hash = AuditChain.Hash(row.Seq, row.Id, time, row.Type, prev, digest);
                using var update = connection.CreateCommand();
                update.CommandText = "UPDATE audit_events SET payload = $p, payload_digest = $d, prev_hash = $prev, hash = $h WHERE seq = $s;";
                update.Parameters.AddWithValue("$p", Encoding.UTF8.GetString(canonical));
                update.Parameters.AddWithValue("$d", digest);
                update.Parameters.AddWithValue("$prev", prev);
                update.Parameters.AddWithValue("$h", hash);
                update.Parameters.AddWithValue("$s", row.Seq);
                update.ExecuteNonQuery();
                prev = hash;
            }
        }

        SqliteConnection.ClearAllPools();
    }

    /// <summary>The payload of the newest event (the <c>audit.verified</c> a database run appends).</summary>
    public JsonObject LastPayload()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM audit_events ORDER BY seq DESC LIMIT 1;";
        var payload = (JsonObject)JsonNode.Parse((string)command.ExecuteScalar()!)!;
        connection.Close();
        SqliteConnection.ClearAllPools();
        return payload;
    }
}
