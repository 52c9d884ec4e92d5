#:project ../../src/StepUp.Storage/StepUp.Storage.csproj
#:property PublishAot=false

// Durable audit append (issue 4): 64 concurrent producers through the group-commit writer
// (SqliteAuditAppender: hash chain, one transaction + one fsync per batch, WAL synchronous=FULL),
// beside a bare batched SQLite insert of the same rows at the same durability with no chain, in
// the same run. Prints events/s and the producers' p50/p99 append latency.
// Usage: dotnet run bench/audit-append/AuditAppendBench.cs -- [seconds per side, default 10]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Storage.Sqlite;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
const int Producers = 64;
var dir = Directory.CreateTempSubdirectory("stepup-append-bench-").FullName;

static JsonObject Payload(int producer, long i) => new()
{
    ["outcome"] = "allow",
    ["severity"] = "info",
    ["app"] = "bench",
    ["subject"] = new JsonObject { ["id"] = "user-" + producer, ["session_id"] = "s-" + i },
    ["action"] = "payments.transfer",
    ["resource"] = new JsonObject { ["type"] = "transfer", ["id"] = "t-" + i },
    ["context"] = new JsonObject { ["ip"] = "81.2.69.142", ["user_agent"] = "bench/1.0" },
    ["decision"] = new JsonObject { ["effect"] = "allow", ["rules"] = new JsonArray() },
};

// 1. StepUp's writer.
var chained = SqliteDatabase.Open($"Data Source={Path.Combine(dir, "chained.db")}", TimeProvider.System);
var latencies = new List<double>[Producers];
long appended = 0;
await using (var appender = new SqliteAuditAppender(chained, TimeProvider.System))
{
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
    {
        var mine = latencies[p] = new List<double>(1 << 16);
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await appender.AppendAsync(new AuditEventDraft { Type = "decision.evaluated", Payload = Payload(p, i) });
            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Interlocked.Increment(ref appended);
        }
    })));
    clock.Stop();
    var all = latencies.SelectMany(l => l).Order().ToArray();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"chained group commit : {appended / clock.Elapsed.TotalSeconds,10:F0} events/s  p50 {all[all.Length / 2]:F2} ms  p99 {all[(int)(all.Length * 0.99)]:F2} ms  ({appender.Commits} commits, {appended / (double)appender.Commits:F1} events/commit)"));
}

var verifyClock = Stopwatch.StartNew();
var verify = await new StepUp.Storage.AuditStoreVerifier(new SqliteAuditReader(chained)).VerifyAsync();
verifyClock.Stop();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"verification         : {verify.EventsVerified / verifyClock.Elapsed.TotalSeconds,10:F0} events/s  (ok: {verify.Ok}, {verify.EventsVerified} events)"));

// 2. Bare batched insert: same rows (canonical payload text), same pragmas, no chain, one writer
//    taking batches from 64 producers through a channel — the same shape without hashing.
var bare = SqliteDatabase.Open($"Data Source={Path.Combine(dir, "bare.db")}", TimeProvider.System);
await using (var connection = new SqliteConnection(bare.ConnectionString))
{
    await connection.OpenAsync();
    using (var pragma = connection.CreateCommand())
    {
        // The same table and indexes as audit_events (so the same rows cost the same to store),
        // minus the chain columns.
        pragma.CommandText = """
            PRAGMA synchronous=FULL;
            CREATE TABLE bare (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, time TEXT, time_ms INTEGER, type TEXT, payload TEXT,
                               app TEXT, subject_id TEXT, session_id TEXT, action TEXT, outcome TEXT, ip TEXT);
            CREATE INDEX b1 ON bare (subject_id, seq); CREATE INDEX b2 ON bare (type, seq); CREATE INDEX b3 ON bare (app, seq);
            CREATE INDEX b4 ON bare (session_id, seq); CREATE INDEX b5 ON bare (action, seq); CREATE INDEX b6 ON bare (time_ms);
            """;
        pragma.ExecuteNonQuery();
    }

    var queue = System.Threading.Channels.Channel.CreateBounded<(string Id, string Payload, TaskCompletionSource Done)>(4096);
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    long inserted = 0;
    var bareLatencies = new List<double>[Producers];
    var writer = Task.Run(async () =>
    {
        var batch = new List<(string Id, string Payload, TaskCompletionSource Done)>(512);
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO bare (id, time, time_ms, type, payload, app, subject_id, session_id, action, outcome, ip) " +
                             "VALUES ($id, $time, $ms, 'decision.evaluated', $payload, 'bench', $subject, $session, 'payments.transfer', 'allow', '81.2.69.142')";
        var pms = insert.Parameters.Add("$ms", SqliteType.Integer);
        var psubject = insert.Parameters.Add("$subject", SqliteType.Text);
        var psession = insert.Parameters.Add("$session", SqliteType.Text);
        var pid = insert.Parameters.Add("$id", SqliteType.Text);
        var ptime = insert.Parameters.Add("$time", SqliteType.Text);
        var ppayload = insert.Parameters.Add("$payload", SqliteType.Text);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 512 && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            using var tx = connection.BeginTransaction();
            insert.Transaction = tx;
            foreach (var item in batch)
            {
                var now = DateTimeOffset.UtcNow;
                pid.Value = item.Id;
                ptime.Value = AuditTime.ToText(now);
                pms.Value = now.ToUnixTimeMilliseconds();
                psubject.Value = item.Id[..8];
                psession.Value = item.Id[8..16];
                ppayload.Value = item.Payload;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
            foreach (var item in batch)
            {
                item.Done.TrySetResult();
            }
        }
    });
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
    {
        var mine = bareLatencies[p] = new List<double>(1 << 16);
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var text = Jcs.CanonicalizeToString(Payload(p, i));
            await queue.Writer.WriteAsync((Guid.NewGuid().ToString("N"), text, done));
            await done.Task;
            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Interlocked.Increment(ref inserted);
        }
    })));
    clock.Stop();
    queue.Writer.Complete();
    await writer;
    var all = bareLatencies.SelectMany(l => l).Order().ToArray();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"bare batched insert  : {inserted / clock.Elapsed.TotalSeconds,10:F0} rows/s    p50 {all[all.Length / 2]:F2} ms  p99 {all[(int)(all.Length * 0.99)]:F2} ms"));
}

SqliteConnection.ClearAllPools();
Directory.Delete(dir, recursive: true);
