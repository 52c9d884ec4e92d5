using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Storage;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Tests.Commands;

public class AuditExportCommandTests
{
    private static async Task<string> CreateDatabaseAsync(int count)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("stepup-cli-export-").FullName, "stepup.db");
        var db = SqliteDatabase.Open($"Data Source={path}", TimeProvider.System);
        await using (var appender = new SqliteAuditAppender(db, TimeProvider.System))
        {
            var drafts = Enumerable.Range(0, count).Select(i => new AuditEventDraft
            {
                Type = i % 4 == 3 ? "elevation.granted" : "decision.evaluated",
                Payload = new JsonObject
                {
                    ["outcome"] = "success",
                    ["app"] = "payments-api",
                    ["subject"] = new JsonObject { ["id"] = i == 0 ? "=HYPERLINK(\"x\")" : "u" + i, ["session_id"] = "s" + i },
                    ["action"] = "payments.transfer",
                    ["note"] = "é 😀 line\nbreak",
                },
            }).ToList();
            await appender.AppendAsync(drafts, TestContext.Current.CancellationToken);
        }

        SqliteConnection.ClearAllPools();
        return path;
    }

    private static async Task<List<AuditEvent>> StoredAsync(string path, string? type = null)
    {
        var reader = new SqliteAuditForwardReader(SqliteDatabase.Open($"Data Source={path}", TimeProvider.System));
        var events = new List<AuditEvent>();
        await foreach (var evt in reader.ReadForwardAsync(new AuditQuery { Type = type }, 0, long.MaxValue, TestContext.Current.CancellationToken))
        {
            events.Add(evt);
        }

        SqliteConnection.ClearAllPools();
        return events;
    }

    [Fact]
    public async Task Export_Jsonl_ToFile_VerifiesWithAuditVerifyFile_AndIsAudited()
    {
        var path = await CreateDatabaseAsync(1234);
        var file = Path.Combine(Path.GetDirectoryName(path)!, "export.jsonl");

        var (exit, output, error) = CliRunner.Run("audit", "export", "--format", "jsonl", "--database", path, "--out", file);
        Assert.Equal(0, exit);
        Assert.Contains($"exported 1234 events (jsonl) to {file}", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
        Assert.Equal(1234, File.ReadLines(file).Count());

        var (verifyExit, verifyOutput, _) = CliRunner.Run("audit", "verify", "--file", file);
        Assert.Equal(0, verifyExit);
        Assert.Contains("OK: 1234 events verified", verifyOutput, StringComparison.Ordinal);

        var record = (await StoredAsync(path, "audit.exported")).Single().Payload;
        Assert.Equal("stepup audit export", record["actor"]!["tool"]!.GetValue<string>());
        Assert.Equal("jsonl", record["export"]!["format"]!.GetValue<string>());
        Assert.Equal("file", record["export"]!["destination"]!.GetValue<string>());
        Assert.Equal(1234, record["export"]!["count"]!.GetValue<long>());
        Assert.Equal(1234, record["export"]!["last_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task Export_EditedLine_FailsOfflineVerification()
    {
        var path = await CreateDatabaseAsync(10);
        var file = Path.Combine(Path.GetDirectoryName(path)!, "export.jsonl");
        Assert.Equal(0, CliRunner.Run("audit", "export", "--database", path, "--out", file).Exit);

        var lines = File.ReadAllLines(file);
        lines[4] = lines[4].Replace("\"u4\"", "\"mallory\"", StringComparison.Ordinal);
        File.WriteAllLines(file, lines);

        var (exit, output, _) = CliRunner.Run("audit", "verify", "--file", file);
        Assert.Equal(1, exit);
        Assert.Contains("FAILED at seq 5", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_Csv_ToStdout_EscapesFormulas_AndReportsOnStderr()
    {
        var path = await CreateDatabaseAsync(3);
        var (exit, output, error) = CliRunner.Run("audit", "export", "--format", "csv", "--database", path);

        Assert.Equal(0, exit);
        var lines = output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("seq,id,time,type,", lines[0], StringComparison.Ordinal);
        Assert.Contains(",\"'=HYPERLINK(\"\"x\"\")\",s0,", lines[1], StringComparison.Ordinal);
        Assert.Contains("exported 3 events (csv) to standard output", error, StringComparison.Ordinal);
        Assert.Equal("stdout", (await StoredAsync(path, "audit.exported")).Single().Payload["export"]!["destination"]!.GetValue<string>());
    }

    [Fact]
    public async Task Export_Ocsf_WritesOneOcsfObjectPerEvent()
    {
        var path = await CreateDatabaseAsync(4);
        var (exit, output, _) = CliRunner.Run("audit", "export", "--format", "ocsf", "--database", path);

        Assert.Equal(0, exit);
        var objects = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal([0, 0, 0, 3003], objects.Select(o => o["class_uid"]!.GetValue<int>()));
        Assert.All(objects, o => Assert.Equal("1.3.0", o["metadata"]!["version"]!.GetValue<string>()));
        Assert.Equal("payments.transfer", objects[3]["privileges"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("--since", "1h", 5)]
    [InlineData("--until", "1h", 0)]
    [InlineData("--since", "2000-01-01T00:00:00Z", 5)]
    [InlineData("--since", "2999-01-01T00:00:00Z", 0)]
    public async Task Export_TimeFilters_AcceptTimestampsAndAges(string option, string value, int expected)
    {
        var path = await CreateDatabaseAsync(5);
        var (exit, output, _) = CliRunner.Run("audit", "export", "--database", path, option, value);

        Assert.Equal(0, exit);
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True((await StoredAsync(path, "audit.exported")).Single().Payload["export"]!["filters"]!.AsObject().ContainsKey(option[2..]));
    }

    [Theory]
    [InlineData("--format", "xml")]
    [InlineData("--since", "yesterday")]
    [InlineData("--until", "not-a-time")]
    public async Task Export_BadArguments_Exit1_WithoutExporting(string option, string value)
    {
        var path = await CreateDatabaseAsync(2);
        var (exit, output, _) = CliRunner.Run("audit", "export", "--database", path, option, value);

        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("\"seq\"", output, StringComparison.Ordinal);
        Assert.Empty(await StoredAsync(path, "audit.exported"));
    }

    [Fact]
    public void Export_MissingDatabase_Exits1()
    {
        var (exit, _, error) = CliRunner.Run("audit", "export", "--database", Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".db"));
        Assert.Equal(1, exit);
        Assert.Contains("no database at", error, StringComparison.Ordinal);
    }
}
