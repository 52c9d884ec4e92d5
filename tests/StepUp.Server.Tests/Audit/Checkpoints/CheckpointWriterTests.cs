using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;
using StepUp.Server.Audit.Checkpoints;
using StepUp.Server.Hosting;
using StepUp.Server.Keys;
using StepUp.Storage;
using StepUp.Storage.Checkpoints;
using StepUp.Storage.Keys;
using StepUp.Storage.Sqlite;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Audit.Checkpoints;

/// <summary>The checkpoint writer on a real SQLite store, driven by a fake clock.</summary>
public sealed class CheckpointWriterTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("stepup-checkpoints-").FullName;
    private readonly TimerTestClock _clock = new(Start);
    private readonly SecretBox _secrets = new(SecretBox.GenerateKey());
    private readonly SqliteDatabase _database;
    private readonly SqliteAuditAppender _appender;
    private readonly SigningKeyService _keys;

    public CheckpointWriterTests()
    {
        _database = SqliteDatabase.Open($"Data Source={Path.Combine(_directory, "stepup.db")}", _clock);
        _appender = new SqliteAuditAppender(_database, _clock);
        _keys = new SigningKeyService(new SqliteSigningKeyStore(_database, _clock), _secrets, _clock, NullLogger<SigningKeyService>.Instance);
    }

    private string AnchorPath => Path.Combine(_directory, "anchors", "checkpoints.jsonl");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CheckpointWriter NewWriter(int every = 1000, int intervalSeconds = 60, string? file = null) => new(
        _appender, new SqliteAuditReader(_database), _appender, _keys, _clock,
        Options.Create(new StepUpServerOptions { Audit = { CheckpointEvery = every, CheckpointInterval = TimeSpan.FromSeconds(intervalSeconds), CheckpointFile = file } }),
        NullLogger<CheckpointWriter>.Instance);

    private Task<IReadOnlyList<AuditEvent>> AppendAsync(int count) => _appender.AppendAsync(Enumerable.Range(0, count).Select(i => new AuditEventDraft
    {
        Type = AuditEventTypes.DecisionEvaluated,
        Payload = new JsonObject { ["outcome"] = "success", ["subject"] = new JsonObject { ["id"] = "u" + i } },
    }).ToList(), Ct);

    private async Task<List<AuditEvent>> CheckpointsAsync() =>
        (await new SqliteAuditReader(_database).QueryAsync(new AuditQuery { Type = AuditEventTypes.AuditCheckpoint, Limit = 1000 }, Ct)).Events.Reverse().ToList();

    private async Task<List<AuditEvent>> WaitForCheckpointsAsync(int count)
    {
        for (var i = 0; i < 500; i++)
        {
            var checkpoints = await CheckpointsAsync();
            if (checkpoints.Count >= count)
            {
                return checkpoints;
            }

            await Task.Delay(20, Ct);
        }

        throw new TimeoutException($"fewer than {count} checkpoints were written");
    }

    private Task<AuditVerification> VerifyAsync(IReadOnlyList<CheckpointAnchor>? anchors = null) =>
        new AuditStoreVerifier(new SqliteAuditReader(_database), new SqliteSigningKeyStore(_database, _clock))
            .VerifyAsync(new AuditStoreVerifyOptions { Anchors = anchors ?? [] }, Ct);

    private static long Covered(AuditEvent checkpoint) => checkpoint.Payload[AuditCheckpoint.SeqField]!.GetValue<long>();

    [Fact]
    public async Task EveryNEvents_WritesASignedCheckpointOfTheHead_AndCopiesItToTheFile()
    {
        using var writer = NewWriter(every: 5, file: AnchorPath);
        await writer.StartAsync(Ct);

        await AppendAsync(5);
        var checkpoint = Assert.Single(await WaitForCheckpointsAsync(1));

        Assert.Equal((6L, 5L), (checkpoint.Seq, Covered(checkpoint)));
        Assert.Equal([checkpoint.ToJson()], await File.ReadAllLinesAsync(AnchorPath, Ct));
        var result = await VerifyAsync(CheckpointAnchor.ParseLines(await File.ReadAllLinesAsync(AnchorPath, Ct)));
        Assert.True(result.Ok, result.Detail);
        Assert.Equal((1L, 1L, 5L), (result.CheckpointsVerified, result.AnchorsVerified, result.LastCheckpoint!.Seq));
        Assert.Equal(Start, result.LastCheckpoint.Time);

        // The checkpoint itself does not count towards the next one.
        await AppendAsync(4);
        await writer.StopAsync(Ct);
        Assert.Single(await CheckpointsAsync());
    }

    [Fact]
    public async Task Interval_WritesACheckpoint_OnlyWhenEventsArrivedSinceTheLast()
    {
        using var writer = NewWriter(every: 1000, intervalSeconds: 60);
        await writer.StartAsync(Ct);

        await _clock.WaitForTimerAsync();
        _clock.Advance(TimeSpan.FromSeconds(61));
        await _clock.WaitForTimerAsync();
        Assert.Empty(await CheckpointsAsync());

        await AppendAsync(3);
        _clock.Advance(TimeSpan.FromSeconds(61));
        var first = Assert.Single(await WaitForCheckpointsAsync(1));
        Assert.Equal((4L, 3L), (first.Seq, Covered(first)));

        await _clock.WaitForTimerAsync();
        _clock.Advance(TimeSpan.FromSeconds(61));
        await _clock.WaitForTimerAsync();
        Assert.Single(await CheckpointsAsync());

        await AppendAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(61));
        var second = (await WaitForCheckpointsAsync(2))[1];
        Assert.Equal((6L, 5L), (second.Seq, Covered(second)));
        Assert.Equal(2, writer.Written);
        await writer.StopAsync(Ct);
    }

    [Fact]
    public async Task Shutdown_WritesAFinalCheckpoint_InStoppedAsync_AndARestartContinuesFromIt()
    {
        using (var writer = NewWriter(file: AnchorPath))
        {
            await writer.StartAsync(Ct);
            await AppendAsync(2);
            await writer.StopAsync(Ct);
            Assert.Empty(await CheckpointsAsync());

            await writer.StoppedAsync(Ct);
            var final = Assert.Single(await CheckpointsAsync());
            Assert.Equal((3L, 2L), (final.Seq, Covered(final)));

            await writer.StoppedAsync(Ct);
            Assert.Single(await CheckpointsAsync());
        }

        using (var restarted = NewWriter(file: AnchorPath))
        {
            await restarted.StartAsync(Ct);
            await restarted.StopAsync(Ct);
            await restarted.StoppedAsync(Ct);
            Assert.Single(await CheckpointsAsync());

            await AppendAsync(1);
            await restarted.StoppedAsync(Ct);
            Assert.Equal([2L, 4L], (await CheckpointsAsync()).Select(Covered));
        }

        var anchors = CheckpointAnchor.ParseLines(await File.ReadAllLinesAsync(AnchorPath, Ct));
        Assert.Equal([3L, 5L], anchors.Select(a => a.Seq));
        Assert.True((await VerifyAsync(anchors)).Ok);
    }

    [Fact]
    public async Task ConcurrentAppends_WithCheckpointsInBetween_AllVerify_AndAllReachTheFile()
    {
        using var writer = NewWriter(every: 1, file: AnchorPath);
        await writer.StartAsync(Ct);

        await Parallel.ForAsync(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (i, ct) =>
            await _appender.AppendAsync(new AuditEventDraft { Type = AuditEventTypes.DecisionEvaluated, Payload = new JsonObject { ["n"] = i } }, ct));
        await writer.StopAsync(Ct);
        await writer.StoppedAsync(Ct);

        var checkpoints = await CheckpointsAsync();
        var head = await new SqliteAuditReader(_database).GetHeadAsync(Ct);
        Assert.Equal(head.Seq, checkpoints[^1].Seq);
        var lines = await File.ReadAllLinesAsync(AnchorPath, Ct);
        Assert.Equal(checkpoints.Select(c => c.ToJson()), lines);
        var result = await VerifyAsync(CheckpointAnchor.ParseLines(lines));
        Assert.True(result.Ok, result.Detail);
        Assert.Equal(checkpoints.Count, result.CheckpointsVerified);
        Assert.Equal(checkpoints.Count, result.AnchorsVerified);
    }

    [Fact]
    public async Task TheFile_StartsOnAFreshLine_AfterATornWrite()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(AnchorPath)!);
        await File.WriteAllTextAsync(AnchorPath, "{\"seq\":1,\"id\":\"torn", Ct);
        using var writer = NewWriter(file: AnchorPath);
        await writer.StartAsync(Ct);
        await AppendAsync(1);
        await writer.StopAsync(Ct);

        var checkpoint = await writer.WriteAsync(Ct);

        var lines = await File.ReadAllLinesAsync(AnchorPath, Ct);
        Assert.Equal(["{\"seq\":1,\"id\":\"torn", checkpoint!.ToJson()], lines);
    }

    [Fact]
    public async Task AnUnwritableFile_DoesNotStopCheckpoints()
    {
        var blocker = Path.Combine(_directory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "x", Ct);
        using var writer = NewWriter(file: Path.Combine(blocker, "checkpoints.jsonl"));
        await writer.StartAsync(Ct);
        await AppendAsync(1);
        await writer.StopAsync(Ct);

        await writer.StoppedAsync(Ct);

        Assert.Single(await CheckpointsAsync());
    }

    [Fact]
    public async Task Checkpoints_AreSignedByTheAuditKey_ThatTheStoreKeeps()
    {
        using var writer = NewWriter();
        await writer.StartAsync(Ct);
        await AppendAsync(1);
        await writer.StopAsync(Ct);
        var checkpoint = await writer.WriteAsync(Ct);

        var key = Assert.Single(await new SqliteSigningKeyStore(_database, _clock).ListAsync(SigningKeyPurposes.Audit, Ct));
        Assert.StartsWith("audit-", key.Kid, StringComparison.Ordinal);
        Assert.Equal(key.Kid, CheckpointJws.TryGetKid(checkpoint!.Payload[AuditCheckpoint.JwsField]!.GetValue<string>()));
        Assert.True(_secrets.TryOpen(key.SealedPrivateKey.Span, SigningKeyRecord.AssociatedData(key.Kid), out _));
    }

    public async ValueTask DisposeAsync()
    {
        await _appender.DisposeAsync();
        _keys.Dispose();
        _secrets.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
