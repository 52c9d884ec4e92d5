using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StepUp.Core.Audit;
using StepUp.Server.Admin;
using StepUp.Server.Admin.Components;
using StepUp.Storage.Sqlite;

namespace StepUp.Benchmarks;

/// <summary>
/// The admin overview over a SQLite trail of N events spread over the last 7 days (decisions with
/// risk signals, verifications and failures from desktop and mobile, alerts): seeds the file once
/// through the real appender (so the hourly rollups are written as in production), then times the
/// server-side work of <c>GET /admin</c> — building the model and rendering the Razor page — 50 times
/// for the 24-hour and the 7-day window.
/// </summary>
internal static class OverviewProbe
{
    public static async Task RunAsync(int events)
    {
        var path = Path.Combine(Path.GetTempPath(), $"stepup-overview-bench-{events}.db");
        var now = DateTimeOffset.UtcNow;
        if (!File.Exists(path))
        {
            await SeedAsync(path, events, now);
        }

        var db = SqliteDatabase.Open($"Data Source={path}", TimeProvider.System);
        var reader = new SqliteAuditReader(db);
        var overview = new AdminOverview(new SqliteAuditRollupReader(db), reader, new AdminChain(reader, new SqliteAuditForwardReader(db), new StepUp.Storage.Keys.SqliteSigningKeyStore(db, TimeProvider.System)), TimeProvider.System);
        await using var renderer = new HtmlRenderer(new ServiceCollection().BuildServiceProvider(), NullLoggerFactory.Instance);
        var head = await reader.GetHeadAsync();
        Console.WriteLine($"{head.Seq:N0} events stored in {path}");
        foreach (var hours in new[] { 24, 168 })
        {
            var times = new List<double>();
            var size = 0;
            for (var i = 0; i < 55; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var model = await overview.BuildAsync(hours, CancellationToken.None);
                var html = await renderer.Dispatcher.InvokeAsync(async () =>
                {
                    var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { ["Model"] = model, ["Session"] = new AdminIdentity("root", "bootstrap", "csrf") });
                    return (await renderer.RenderComponentAsync<OverviewPage>(parameters)).ToHtmlString();
                });
                if (i >= 5)
                {
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                size = html.Length;
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"overview {hours,3} h: median {times[times.Count / 2]:F1} ms, p95 {times[(int)(times.Count * 0.95)]:F1} ms, max {times[^1]:F1} ms ({size:N0} bytes of HTML)"));
            await ScanBaselineAsync(path, hours);
        }
    }

    /// <summary>
    /// The baseline: only the decision counts by effect, computed by scanning the window's rows
    /// (what the overview would do without rollups; signals and device classes would also need the JSON).
    /// </summary>
    private static async Task ScanBaselineAsync(string path, int hours)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT outcome, count(*) FROM audit_events WHERE type = 'decision.evaluated' AND time_ms >= $from GROUP BY outcome;";
        command.Parameters.AddWithValue("$from", DateTimeOffset.UtcNow.AddHours(-hours).ToUnixTimeMilliseconds());
        var times = new List<double>();
        long rows = 0;
        for (var i = 0; i < 7; i++)
        {
            var started = Stopwatch.GetTimestamp();
            rows = 0;
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows += reader.GetInt64(1);
                }
            }

            if (i >= 2)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  baseline, decisions by effect by scanning {rows:N0} decisions of the window: median {times[times.Count / 2]:F1} ms"));
    }

    private static async Task SeedAsync(string path, int events, DateTimeOffset now)
    {
        var clock = new SeedClock(now.AddDays(-7));
        var db = SqliteDatabase.Open($"Data Source={path}", clock);
        var step = TimeSpan.FromDays(7) / events * 500;
        var random = new Random(42);
        string[] agents = ["Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148"];
        string[] signals = ["new_device", "new_country", "new_ip", "impossible_travel", "anonymous_ip"];
        var seeding = Stopwatch.StartNew();
        await using (var appender = new SqliteAuditAppender(db, clock))
        {
            for (var done = 0; done < events; done += 500)
            {
                var drafts = new List<AuditEventDraft>(500);
                for (var i = 0; i < Math.Min(500, events - done); i++)
                {
                    var roll = random.Next(100);
                    var context = new JsonObject { ["ip"] = "81.2.69." + random.Next(256).ToString(CultureInfo.InvariantCulture), ["user_agent"] = agents[random.Next(2)] };
                    var payload = new JsonObject
                    {
                        ["outcome"] = roll < 85 ? "allow" : roll < 97 ? "step_up" : "deny",
                        ["app"] = "payments-api",
                        ["subject"] = new JsonObject { ["id"] = "user-" + random.Next(10_000).ToString(CultureInfo.InvariantCulture) },
                        ["action"] = "payments.transfer." + random.Next(20).ToString(CultureInfo.InvariantCulture),
                        ["context"] = context,
                        ["risk"] = new JsonObject { ["signals"] = new JsonArray(signals[random.Next(5)]) },
                        ["challenge"] = new JsonObject { ["method"] = random.Next(2) == 0 ? "totp" : "webauthn" },
                    };
                    var type = roll < 90 ? AuditEventTypes.DecisionEvaluated
                        : roll < 95 ? AuditEventTypes.ChallengeVerified
                        : roll < 99 ? AuditEventTypes.ChallengeFailed
                        : AuditEventTypes.AlertRaised;
                    if (type == AuditEventTypes.AlertRaised)
                    {
                        payload["alert"] = new JsonObject { ["detector"] = "subject_failures", ["title"] = "5 failures" };
                    }

                    drafts.Add(new AuditEventDraft { Type = type, Payload = payload });
                }

                await appender.AppendAsync(drafts);
                clock.Advance(step);
                if (done % 100_000 == 0)
                {
                    Console.Error.WriteLine($"seeded {done:N0} events ({seeding.Elapsed.TotalSeconds:F0} s)");
                }
            }
        }

        Console.WriteLine($"seeded {events:N0} events in {seeding.Elapsed.TotalSeconds:F1} s");
    }

    private sealed class SeedClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
