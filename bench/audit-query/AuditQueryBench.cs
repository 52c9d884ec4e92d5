#:project ../../src/StepUp.Storage/StepUp.Storage.csproj
#:property PublishAot=false

// Audit query and export at scale (issue 4): seeds a SQLite database with N events (default
// 1,000,000: 1,000 subjects over 30 days), then measures
//   1. subject + time-window queries (GET /v1/audit/events?subject=&since=&until=) through
//      SqliteAuditReader, p50/p99, beside the same SQL without the seq window (the old plan);
//   2. a full export (jsonl, csv, ocsf) through SqliteAuditForwardReader + the formatters into a
//      null sink: events/s and the process's peak RSS.
// Usage: dotnet run bench/audit-query/AuditQueryBench.cs -- [events] [database path]
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Export;
using StepUp.Storage;
using StepUp.Storage.Sqlite;

var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var path = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), $"stepup-audit-bench-{events}.db");
const int Subjects = 1000;
var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
var span = TimeSpan.FromDays(30);
var clock = new BenchClock(start);

var fresh = !File.Exists(path);
var database = SqliteDatabase.Open($"Data Source={path}", clock);
if (fresh)
{
    var seed = Stopwatch.StartNew();
    const int Batch = 500;
    var step = span / events * Batch;
    await using (var appender = new SqliteAuditAppender(database, clock))
    {
        var random = new Random(42);
        for (var done = 0; done < events; done += Batch)
        {
            var drafts = new List<AuditEventDraft>(Batch);
            for (var i = 0; i < Math.Min(Batch, events - done); i++)
            {
                var subject = "user-" + random.Next(Subjects).ToString(CultureInfo.InvariantCulture);
                drafts.Add(new AuditEventDraft
                {
                    Type = "decision.evaluated",
                    Payload = new JsonObject
                    {
                        ["outcome"] = random.Next(10) == 0 ? "step_up" : "allow",
                        ["severity"] = "info",
                        ["app"] = "payments-api",
                        ["subject"] = new JsonObject { ["id"] = subject, ["session_id"] = "s-" + random.Next(100_000).ToString(CultureInfo.InvariantCulture) },
                        ["action"] = "payments.transfer",
                        ["resource"] = new JsonObject { ["type"] = "transfer", ["id"] = "t-" + (done + i).ToString(CultureInfo.InvariantCulture) },
                        ["context"] = new JsonObject { ["ip"] = "81.2.69." + random.Next(256).ToString(CultureInfo.InvariantCulture), ["user_agent"] = "Mozilla/5.0 (X11; Linux x86_64)" },
                        ["decision"] = new JsonObject { ["effect"] = "allow", ["rules"] = new JsonArray("large-transfer") },
                        ["risk"] = new JsonObject { ["score"] = random.Next(100), ["signals"] = new JsonArray() },
                    },
                });
            }

            await appender.AppendAsync(drafts);
            clock.Advance(step);
            if (done % 100_000 == 0 && done > 0)
            {
                Console.Error.WriteLine($"seeded {done:N0} events ({seed.Elapsed.TotalSeconds:F0} s)");
            }
        }
    }

    Console.WriteLine($"seeded {events:N0} events in {seed.Elapsed.TotalSeconds:F1} s into {path}");
}

// 1. subject + time window queries: a random subject, a random 1-day window, newest 100.
var reader = new SqliteAuditReader(database);
var queryRandom = new Random(7);
var windows = Enumerable.Range(0, 2000).Select(_ =>
{
    var from = start + TimeSpan.FromMinutes(queryRandom.Next((int)(span.TotalMinutes - 1440)));
    return (Subject: "user-" + queryRandom.Next(Subjects).ToString(CultureInfo.InvariantCulture), Since: from, Until: from.AddDays(1));
}).ToList();

foreach (var w in windows.Take(100))
{
    await reader.QueryAsync(new AuditQuery { Subject = w.Subject, Since = w.Since, Until = w.Until });
}

var latencies = new List<double>(windows.Count);
var rows = 0L;
foreach (var w in windows)
{
    var sw = Stopwatch.StartNew();
    var page = await reader.QueryAsync(new AuditQuery { Subject = w.Subject, Since = w.Since, Until = w.Until });
    latencies.Add(sw.Elapsed.TotalMilliseconds);
    rows += page.Events.Count;
}

Report("subject+time query (seq window, SqliteAuditReader)", latencies, rows);

// The same filter as plain SQL without the seq window: what the query did before.
await using (var connection = new SqliteConnection(database.ConnectionString))
{
    await connection.OpenAsync();
    var old = new List<double>(windows.Count);
    rows = 0;
    foreach (var w in windows)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, id, time, type, prev_hash, payload_digest, hash, payload, erased FROM audit_events " +
            "WHERE subject_id = $s AND time_ms >= $a AND time_ms < $b ORDER BY seq DESC LIMIT 101;";
        command.Parameters.AddWithValue("$s", w.Subject);
        command.Parameters.AddWithValue("$a", w.Since.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$b", w.Until.ToUnixTimeMilliseconds());
        var sw = Stopwatch.StartNew();
        await using var r = await command.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows++;
        }

        old.Add(sw.Elapsed.TotalMilliseconds);
    }

    Report("subject+time query (no seq window, raw SQL, rows not parsed)", old, rows);
}

// 2. full export in each format into a byte sink that is drained every 64 KiB.
var forward = new SqliteAuditForwardReader(database);
var head = await reader.GetHeadAsync();
foreach (var format in new[] { AuditExportFormat.Jsonl, AuditExportFormat.Csv, AuditExportFormat.Ocsf })
{
    using var formatter = format.CreateFormatter();
    var sink = new ArrayBufferWriter<byte>(128 * 1024);
    long bytes = 0, count = 0;
    var sw = Stopwatch.StartNew();
    formatter.WriteHeader(sink);
    await foreach (var evt in forward.ReadForwardAsync(new AuditQuery(), 0, head.Seq))
    {
        formatter.Write(evt, sink);
        count++;
        if (sink.WrittenCount >= 64 * 1024)
        {
            bytes += sink.WrittenCount;
            sink.ResetWrittenCount();
        }
    }

    bytes += sink.WrittenCount;
    Console.WriteLine($"export {format.Name(),-5}: {count:N0} events, {bytes / 1048576.0:F0} MiB in {sw.Elapsed.TotalSeconds:F1} s = {count / sw.Elapsed.TotalSeconds:N0} events/s; peak RSS so far {PeakRssMiB()} MiB, GC heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB");
}

static void Report(string name, List<double> ms, long rows)
{
    ms.Sort();
    double P(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
    Console.WriteLine($"{name}: n={ms.Count}, rows={rows:N0}, p50 {P(0.50):F3} ms, p95 {P(0.95):F3} ms, p99 {P(0.99):F3} ms, max {ms[^1]:F3} ms");
}

static string PeakRssMiB()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        {
            var kb = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return (kb / 1024).ToString(CultureInfo.InvariantCulture);
        }
    }

    return "?";
}

/// <summary>A clock the seeding moves forward by hand, so events spread over 30 days.</summary>
internal sealed class BenchClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
