namespace StepUp.Cli.Tests.Commands;

public class AuditPruneCommandTests
{
    [Fact]
    public async Task Prune_ThenVerify_DatabaseAndOfflineExport_BothPass()
    {
        var db = await CheckpointedDatabase.CreateAsync(decisions: 20, every: 5);
        var future = DateTimeOffset.UtcNow.AddMinutes(5).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var (pruned, pruneOutput, _) = CliRunner.Run("audit", "prune", "--before", future, "--database", db.DatabasePath);
        Assert.Equal(0, pruned);
        Assert.Contains("pruned", pruneOutput, StringComparison.Ordinal);

        var (verified, verifyOutput, _) = CliRunner.Run("audit", "verify", "--database", db.DatabasePath);
        Assert.True(verified == 0, verifyOutput);

        var export = Path.Combine(db.Directory, "pruned.jsonl");
        var (exported, _, exportError) = CliRunner.Run("audit", "export", "--format", "jsonl", "--database", db.DatabasePath, "--out", export);
        Assert.True(exported == 0, exportError);
        var (offline, offlineOutput, _) = CliRunner.Run("audit", "verify", "--file", export, "--jwks", db.JwksPath);
        Assert.True(offline == 0, offlineOutput);

        var lines = await File.ReadAllLinesAsync(export);
        lines[1] = lines[1].Replace("\"outcome\":\"success\"", "\"outcome\":\"failure\"", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(export, lines);
        Assert.Equal(1, CliRunner.Run("audit", "verify", "--file", export, "--jwks", db.JwksPath).Exit);
    }

    [Fact]
    public async Task Prune_UnderLegalHold_IsRefused()
    {
        var db = await CheckpointedDatabase.CreateAsync(decisions: 10, every: 5);
        Assert.Equal(0, CliRunner.Run("audit", "hold", "place", "--reason", "case 1", "--database", db.DatabasePath).Exit);
        var (exit, output, _) = CliRunner.Run("audit", "prune", "--before", "0s", "--database", db.DatabasePath);
        Assert.Equal(1, exit);
        Assert.Contains("refused", output, StringComparison.Ordinal);
    }
}
