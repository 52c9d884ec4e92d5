using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Tests.Commands;

public class AuditVerifyCommandTests
{
    private static async Task<(string Path, List<AuditEvent> Events)> CreateDatabaseAsync(int count)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("stepup-cli-audit-").FullName, "stepup.db");
        var db = SqliteDatabase.Open($"Data Source={path}", TimeProvider.System);
        var events = new List<AuditEvent>();
        await using (var appender = new SqliteAuditAppender(db, TimeProvider.System))
        {
            for (var i = 0; i < count; i++)
            {
                events.Add(await appender.AppendAsync(new AuditEventDraft
                {
                    Type = "decision.evaluated",
                    Payload = new JsonObject { ["outcome"] = "allow", ["subject"] = new JsonObject { ["id"] = "u" + i } },
                }));
            }
        }

        SqliteConnection.ClearAllPools();
        return (path, events);
    }

    [Fact]
    public async Task Verify_IntactDatabase_Exits0_AndIsItselfAudited()
    {
        var (path, _) = await CreateDatabaseAsync(5);
        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", path);
        Assert.Equal(0, exit);
        Assert.Contains("OK: 5 events verified, last seq 5", output, StringComparison.Ordinal);

        var (again, output2, _) = CliRunner.Run("audit", "verify", "--database", path);
        Assert.Equal(0, again);
        Assert.Contains("OK: 6 events verified", output2, StringComparison.Ordinal); // the first run's audit.verified
    }

    [Fact]
    public async Task Verify_TamperedPayload_Exits1_NamingTheSeq()
    {
        var (path, _) = await CreateDatabaseAsync(5);
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            var drop = connection.CreateCommand();
            drop.CommandText = "SELECT name FROM sqlite_master WHERE type = 'trigger'";
            var triggers = new List<string>();
            await using (var reader = await drop.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    triggers.Add(reader.GetString(0));
                }
            }

            foreach (var trigger in triggers)
            {
                var cmd = connection.CreateCommand();
                cmd.CommandText = $"DROP TRIGGER \"{trigger}\"";
                await cmd.ExecuteNonQueryAsync();
            }

            var tamper = connection.CreateCommand();
            tamper.CommandText = "UPDATE audit_events SET payload = replace(payload, 'u2', 'zz') WHERE seq = 3";
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        SqliteConnection.ClearAllPools();
        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", path);
        Assert.Equal(1, exit);
        Assert.Contains("FAILED at seq 3: payload_digest_mismatch (2 events verified before it)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ExportFile_Offline_DetectsADroppedLine()
    {
        var (_, events) = await CreateDatabaseAsync(4);
        var good = CliRunner.TempFile(string.Join("\n", events.Select(e => e.ToJson())) + "\n", ".jsonl");
        var (exit, output, _) = CliRunner.Run("audit", "verify", "--file", good);
        Assert.Equal(0, exit);
        Assert.Contains("OK: 4 events verified", output, StringComparison.Ordinal);

        var dropped = CliRunner.TempFile(string.Join("\n", events.Where(e => e.Seq != 2).Select(e => e.ToJson())), ".jsonl");
        var (exit2, output2, _) = CliRunner.Run("audit", "verify", "--file", dropped);
        Assert.Equal(1, exit2);
        Assert.Contains("FAILED at seq", output2, StringComparison.Ordinal);
        Assert.Contains("seq_gap", output2, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MissingDatabase_Exits1()
    {
        var (exit, output, _) = CliRunner.Run("audit", "verify", "--database", Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".db"));
        Assert.Equal(1, exit);
        Assert.Contains("no database at", output, StringComparison.Ordinal);
    }
}
