using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;
using StepUp.Server.Tests.Infrastructure;
using StepUp.Storage;
using StepUp.Storage.Checkpoints;
using StepUp.Storage.Keys;
using StepUp.Storage.Sqlite;

namespace StepUp.Server.Tests.Audit.Checkpoints;

/// <summary>The real server process: the secrets key file, the shutdown checkpoint on SIGTERM, a wrong key.</summary>
public sealed class CheckpointProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task DecideAsync(HttpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            (await client.PostAsJsonAsync("/v1/decisions", new { subject = new { id = "p" + i, session_id = "s" }, action = "records.read" }, Ct)).EnsureSuccessStatusCode();
        }
    }

    private static async Task WaitForExitAsync(int pid)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                if (process.HasExited)
                {
                    return;
                }
            }
            catch (ArgumentException)
            {
                return; // gone
            }

            await Task.Delay(100, Ct);
        }

        throw new TimeoutException("the server did not stop within 30 s of SIGTERM");
    }

    [Fact]
    public async Task FirstStart_GeneratesAnOwnerOnlyKeyFileBesideTheDatabase_AndLogsItsPathNotItsValue()
    {
        await using var server = await ServerProcess.StartAsync();
        using var client = server.Client();
        await DecideAsync(client, 1);

        var path = Path.Combine(server.WorkingDirectory, "data", "stepup.key");
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var key = (await File.ReadAllTextAsync(path, Ct)).Trim();
        Assert.True(SecretBox.TryParseKey(key, out _));
        Assert.Contains(path, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_WritesAShutdownCheckpoint_ToTheChainAndTheAnchorFile_WhichThenCatchesATruncation()
    {
        var directory = Directory.CreateTempSubdirectory("stepup-sigterm-").FullName;
        var anchorPath = Path.Combine(directory, "offsite", "checkpoints.jsonl");
        var dbPath = Path.Combine(directory, "stepup.db");
        int pid;
        await using (var server = await ServerProcess.StartAsync("--StepUp:Storage:ConnectionString=Data Source=" + dbPath, "--StepUp:Audit:CheckpointFile=" + anchorPath))
        {
            using var client = server.Client();
            await DecideAsync(client, 3);
            pid = server.Pid;
            server.Signal("TERM");
            await WaitForExitAsync(pid);
            Assert.Contains("Shutdown audit checkpoint", server.Output, StringComparison.Ordinal);
        }

        SqliteConnection.ClearAllPools();
        var database = SqliteDatabase.Open("Data Source=" + dbPath, TimeProvider.System);
        var reader = new SqliteAuditReader(database);
        var head = await reader.GetHeadAsync(Ct);
        var last = (await reader.QueryAsync(new AuditQuery { Limit = 1 }, Ct)).Events[0];
        Assert.Equal(AuditEventTypes.AuditCheckpoint, last.Type);
        Assert.Equal(head.Seq - 1, last.Payload[AuditCheckpoint.SeqField]!.GetValue<long>());
        var anchors = CheckpointAnchor.ParseLines(await File.ReadAllLinesAsync(anchorPath, Ct));
        Assert.Equal(last.Seq, anchors[^1].Seq);

        var verifier = new AuditStoreVerifier(reader, new SqliteSigningKeyStore(database, TimeProvider.System));
        var intact = await verifier.VerifyAsync(new AuditStoreVerifyOptions { Anchors = anchors }, Ct);
        Assert.True(intact.Ok, intact.Detail);

        using (var connection = new SqliteConnection("Data Source=" + dbPath))
        {
            connection.Open();
            using var truncate = connection.CreateCommand();
            truncate.CommandText = "DELETE FROM audit_events WHERE seq > 2;";
            truncate.ExecuteNonQuery();
        }

        var truncated = await verifier.VerifyAsync(new AuditStoreVerifyOptions { Anchors = anchors }, Ct);
        Assert.Equal((false, 3L, AuditVerificationReasons.AnchorMissing), (truncated.Ok, truncated.FirstBadSeq!.Value, truncated.Reason));
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Restart_WithAnotherSecretsKey_RefusesToStart_SayingWhy()
    {
        var directory = Directory.CreateTempSubdirectory("stepup-wrongkey-").FullName;
        var connection = "--StepUp:Storage:ConnectionString=Data Source=" + Path.Combine(directory, "stepup.db");
        await using (await ServerProcess.StartAsync(connection))
        {
        }

        var other = Convert.ToBase64String(SecretBox.GenerateKey());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(connection, "--StepUp:Secrets:Key=" + other));

        Assert.Contains("encrypted with another secrets key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(other, error.Message, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task BadCheckpointAndSecretsOptions_RefuseToStart_ListingEveryError_WithoutEchoingTheKey()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(
            "--StepUp:Audit:CheckpointEvery=0", "--StepUp:Audit:CheckpointInterval=00:00:00", "--StepUp:Secrets:Key=c2VjcmV0LXRvby1zaG9ydA"));

        Assert.Contains("StepUp:Audit:CheckpointEvery must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("StepUp:Audit:CheckpointInterval must be at least", error.Message, StringComparison.Ordinal);
        Assert.Contains("StepUp:Secrets:Key must be the base64 encoding of exactly 32 bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0LXRvby1zaG9ydA", error.Message, StringComparison.Ordinal);
    }
}
