#:project ../../src/StepUp.Storage/StepUp.Storage.csproj
#:property PublishAot=false

// Durable audit append on PostgreSQL (issue 7): 64 concurrent producers through the group-commit
// writer (PostgresAuditAppender: advisory-locked chain tip, one transaction per batch,
// synchronous_commit=on), first with one node, then with two nodes (two pools, two appenders, 32
// producers each) extending the same chain. Prints events/s, the producers' p50/p99 append latency
// and events per commit, then verifies the chain. Works in a fresh database it drops afterwards.
// Usage: STEPUP_TEST_POSTGRES='Host=…;Username=…;Database=postgres' \
//        dotnet run bench/audit-append-postgres/PostgresAuditAppendBench.cs -- [seconds per run, default 10]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using StepUp.Core.Audit;
using StepUp.Storage;
using StepUp.Storage.Postgres;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
const int Producers = 64;
var server = Environment.GetEnvironmentVariable("STEPUP_TEST_POSTGRES")
    ?? throw new InvalidOperationException("set STEPUP_TEST_POSTGRES to a server's connection string");
var name = "stepup_bench_" + Guid.NewGuid().ToString("N")[..12];
await using (var admin = new NpgsqlConnection(server))
{
    await admin.OpenAsync();
    await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
    await create.ExecuteNonQueryAsync();
}

var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;

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

async Task RunAsync(string label, int nodes)
{
    var databases = new List<PostgresDatabase>();
    var appenders = new List<PostgresAuditAppender>();
    for (var n = 0; n < nodes; n++)
    {
        databases.Add(await PostgresDatabase.OpenAsync(connectionString, TimeProvider.System));
        appenders.Add(new PostgresAuditAppender(databases[^1], TimeProvider.System));
    }

    var latencies = new List<double>[Producers];
    long appended = 0;
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
    {
        var appender = appenders[p % nodes];
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
    var commits = appenders.Sum(a => a.Commits);
    var all = latencies.SelectMany(l => l).Order().ToArray();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label,-22}: {appended / clock.Elapsed.TotalSeconds,8:F0} events/s  p50 {all[all.Length / 2]:F2} ms  p99 {all[(int)(all.Length * 0.99)]:F2} ms  ({commits} commits, {appended / (double)commits:F1} events/commit)"));
    foreach (var appender in appenders)
    {
        await appender.DisposeAsync();
    }

    foreach (var database in databases)
    {
        await database.DisposeAsync();
    }
}

await RunAsync("one node, 64 callers", 1);
await RunAsync("two nodes, 32 + 32", 2);

await using (var database = await PostgresDatabase.OpenAsync(connectionString, TimeProvider.System))
{
    var verifyClock = Stopwatch.StartNew();
    var verify = await new AuditStoreVerifier(new PostgresAuditReader(database)).VerifyAsync();
    verifyClock.Stop();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"verification          : {verify.EventsVerified / verifyClock.Elapsed.TotalSeconds,8:F0} events/s  (ok: {verify.Ok}, {verify.EventsVerified} events, last seq {verify.LastSeq})"));
}

NpgsqlConnection.ClearAllPools();
await using (var admin = new NpgsqlConnection(server))
{
    await admin.OpenAsync();
    await using var drop = new NpgsqlCommand($"DROP DATABASE {name} WITH (FORCE)", admin);
    await drop.ExecuteNonQueryAsync();
}
