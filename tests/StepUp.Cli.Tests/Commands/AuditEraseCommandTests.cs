using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Tests.Commands;

public class AuditEraseCommandTests
{
    private static async Task<string> CreateDatabaseAsync()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("stepup-cli-erase-").FullName, "stepup.db");
        var db = SqliteDatabase.Open($"Data Source={path}", TimeProvider.System);
        await using (var appender = new SqliteAuditAppender(db, TimeProvider.System))
        {
            foreach (var subject in new[] { "alice", "bob", "alice" })
            {
                await appender.AppendAsync(new AuditEventDraft
                {
                    Type = "decision.evaluated",
                    Payload = new JsonObject { ["outcome"] = "allow", ["subject"] = new JsonObject { ["id"] = subject } },
                });
            }
        }

        SqliteConnection.ClearAllPools();
        return path;
    }

    [Fact]
    public async Task Erase_Subject_ErasesPayloads_IsAudited_AndTheChainStillVerifies()
    {
        var path = await CreateDatabaseAsync();
        var (exit, output, _) = CliRunner.Run("audit", "erase", "--subject", "alice", "--database", path);
        Assert.Equal(0, exit);
        Assert.Contains("erased 2 event payload(s) of subject alice", output, StringComparison.Ordinal);

        var (verified, verifyOutput, _) = CliRunner.Run("audit", "verify", "--database", path);
        Assert.Equal(0, verified);
        Assert.Contains("OK: 4 events verified", verifyOutput, StringComparison.Ordinal);

        var events = new List<AuditEvent>();
        await foreach (var e in new SqliteAuditReader(SqliteDatabase.Open($"Data Source={path}", TimeProvider.System)).ReadRangeAsync(1))
        {
            events.Add(e);
        }

        Assert.Equal([true, false, true, false, false], events.Select(e => e.Erased));
        var erased = events.Single(e => e.Type == AuditEventTypes.AuditErased);
        Assert.Equal(2, erased.Payload["erasure"]!["count"]!.GetValue<long>());
        Assert.Equal("privacy_request", erased.Payload["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Erase_UnderLegalHold_IsRefused_UntilLifted()
    {
        var path = await CreateDatabaseAsync();
        Assert.Equal(0, CliRunner.Run("audit", "hold", "place", "--subject", "alice", "--reason", "case 42", "--database", path).Exit);
        var (listed, listOutput, _) = CliRunner.Run("audit", "hold", "list", "--database", path);
        Assert.Equal(0, listed);
        Assert.Contains("subject alice", listOutput, StringComparison.Ordinal);

        var (exit, output, _) = CliRunner.Run("audit", "erase", "--subject", "alice", "--database", path);
        Assert.Equal(1, exit);
        Assert.Contains("refused: a legal hold covers subject 'alice'", output, StringComparison.Ordinal);

        Assert.Equal(0, CliRunner.Run("audit", "hold", "lift", "--subject", "alice", "--database", path).Exit);
        Assert.Equal(1, CliRunner.Run("audit", "hold", "lift", "--subject", "alice", "--database", path).Exit);
        Assert.Equal(0, CliRunner.Run("audit", "erase", "--subject", "alice", "--database", path).Exit);
    }
}
