using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Sqlite;

/// <summary>
/// The audit queries seek through indexes instead of scanning or sorting: checked with SQLite's own
/// <c>EXPLAIN QUERY PLAN</c> on the SQL the readers run (plans depend on the schema, not the row count:
/// StepUp never runs ANALYZE).
/// </summary>
public sealed class AuditQueryPlanTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private async Task<SqliteDatabase> SeedAsync()
    {
        var clock = new ManualTimeProvider(TempDirectory.Epoch);
        var database = temp.OpenDatabase(clock);
        await using var appender = new SqliteAuditAppender(database, clock);
        for (var i = 0; i < 50; i++)
        {
            await appender.AppendAsync(new AuditEventDraft
            {
                Type = "decision.evaluated",
                Payload = new JsonObject { ["app"] = "a" + (i % 2), ["subject"] = new JsonObject { ["id"] = "u" + (i % 5) } },
            }, TestContext.Current.CancellationToken);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        return database;
    }

    private static List<string> Plan(SqliteCommand command)
    {
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    private static void AssertSeeks(List<string> plan, string expected)
    {
        var text = string.Join(" | ", plan);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN audit_events", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsQuery_SubjectAndTimeRange_SeeksTheSubjectSeqIndex()
    {
        var database = await SeedAsync();
        using var connection = RawSql.Open(database);
        using var command = connection.CreateCommand();
        // The statement SqliteAuditReader.QueryAsync builds for ?subject=&since=&until= (time window as a seq window).
        command.CommandText =
            $"SELECT {SqliteAuditRows.Columns} FROM audit_events WHERE 1 = 1 AND subject_id = $subject AND time_ms >= $since AND time_ms < $until " +
            "AND seq >= $window_from AND seq < $window_before ORDER BY seq DESC LIMIT $limit;";
        foreach (var name in (string[])["$subject", "$since", "$until", "$window_from", "$window_before", "$limit"])
        {
            command.Parameters.AddWithValue(name, 1);
        }

        AssertSeeks(Plan(command), "USING INDEX ix_audit_events_subject_seq (subject_id=? AND seq>? AND seq<?)");
    }

    [Fact]
    public async Task SeqWindowLookup_SeeksTheTimeIndex()
    {
        var database = await SeedAsync();
        using var connection = RawSql.Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq FROM audit_events WHERE time_ms >= $t ORDER BY time_ms, seq LIMIT 1;";
        command.Parameters.AddWithValue("$t", 1);

        AssertSeeks(Plan(command), "USING COVERING INDEX ix_audit_events_time_ms (time_ms>?)");
    }

    [Theory]
    [InlineData("subject", "USING INDEX ix_audit_events_subject_seq (subject_id=? AND seq>? AND seq<?)")]
    [InlineData("app", "USING INDEX ix_audit_events_app_seq (app=? AND seq>? AND seq<?)")]
    [InlineData("type", "USING INDEX ix_audit_events_type_seq (type=? AND seq>? AND seq<?)")]
    [InlineData("session", "USING INDEX ix_audit_events_session_seq (session_id=? AND seq>? AND seq<?)")]
    [InlineData("none", "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)")]
    public async Task ForwardRead_SeeksThe_ColumnSeqIndex(string filter, string expected)
    {
        var database = await SeedAsync();
        using var connection = RawSql.Open(database);
        using var command = connection.CreateCommand();
        var query = filter switch
        {
            "subject" => new AuditQuery { Subject = "u1", Since = TempDirectory.Epoch, Until = TempDirectory.Epoch.AddDays(1) },
            "app" => new AuditQuery { App = "a1" },
            "type" => new AuditQuery { Type = "decision.evaluated" },
            "session" => new AuditQuery { Session = "s" },
            _ => new AuditQuery { Since = TempDirectory.Epoch },
        };
        var after = SqliteAuditForwardReader.Prepare(command, query, 40);
        after.Value = 3;

        AssertSeeks(Plan(command), expected);
    }

    [Fact]
    public async Task EventsQuery_SubjectAndTimeRange_ReturnsTheWindowNewestFirst()
    {
        var database = await SeedAsync();
        var reader = new SqliteAuditReader(database);
        var page = await reader.QueryAsync(new AuditQuery { Subject = "u1", Since = TempDirectory.Epoch.AddSeconds(10), Until = TempDirectory.Epoch.AddSeconds(30) }, TestContext.Current.CancellationToken);

        Assert.Equal([27L, 22, 17, 12], page.Events.Select(e => e.Seq));
        Assert.Empty((await reader.QueryAsync(new AuditQuery { Subject = "u1", Since = TempDirectory.Epoch.AddHours(1) }, TestContext.Current.CancellationToken)).Events);
    }
}
