using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Simulation;
using StepUp.Storage;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Commands;

/// <summary>
/// <c>stepup policy simulate FILE [--since 7d] [--until …] [--app …] [--database PATH] [--json]</c>:
/// replays a candidate policy over the <c>decision.evaluated</c> events of the SQLite database
/// (SPEC §4.5) and prints what would change, as tables or as the JSON of
/// <c>POST /v1/policy/simulate</c>. Progress goes to standard error. Exit 0 on success, 1 when
/// the policy is invalid, an argument is wrong or the database cannot be read. Changes nothing.
/// </summary>
internal static partial class PolicySimulateCommand
{
    private const int ProgressEvery = 100_000;

    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The candidate policy YAML file" };
        var since = new Option<string>("--since") { Description = "Replay decisions at or after this time: an age (7d, 12h) or RFC 3339", DefaultValueFactory = _ => "7d" };
        var until = new Option<string>("--until") { Description = "Replay decisions before this time: an age or RFC 3339 (default: up to now)" };
        var app = new Option<string>("--app") { Description = "Only the decisions of this app (default: every app)" };
        var database = AuditDatabaseOption.Create();
        var json = new Option<bool>("--json") { Description = "Print the JSON report of POST /v1/policy/simulate instead of tables" };
        var maxEvents = new Option<int>("--max-events") { Description = "Stop after this many decisions (the report says truncated)", DefaultValueFactory = _ => PolicySimulationOptions.DefaultMaxEvents };
        var changes = new Option<int>("--changes") { Description = "How many changed decisions to list one by one", DefaultValueFactory = _ => 20 };
        var top = new Option<int>("--top") { Description = "How many subjects to list among those prompted most", DefaultValueFactory = _ => 10 };
        var command = new Command("simulate", "Replay a candidate policy over past decisions and report what would change")
        {
            file, since, until, app, database, json, maxEvents, changes, top,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var now = TimeProvider.System.GetUtcNow();
            if (!CliTime.TryParse(parse.GetValue(since), now, out var sinceTime) || !CliTime.TryParse(parse.GetValue(until), now, out var untilTime))
            {
                error.WriteLine("--since/--until must be RFC 3339 timestamps or ages such as 7d");
                return 1;
            }

            if (sinceTime > untilTime)
            {
                error.WriteLine("--since must not be after --until");
                return 1;
            }

            if (parse.GetValue(maxEvents) is < 1 or > PolicySimulationOptions.DefaultMaxEvents || parse.GetValue(changes) < 0 || parse.GetValue(top) < 0)
            {
                error.WriteLine($"--max-events must be 1 to {PolicySimulationOptions.DefaultMaxEvents}; --changes and --top must not be negative");
                return 1;
            }

            // The report may be stdout's only content (--json): errors go to stderr.
            var policyFile = parse.GetValue(file)!;
            var candidate = CommandHelpers.LoadPolicy(policyFile, error);
            if (candidate is null)
            {
                error.WriteLine("policy refused: nothing simulated");
                return 1;
            }

            var options = new PolicySimulationOptions
            {
                Since = sinceTime,
                Until = untilTime,
                MaxEvents = parse.GetValue(maxEvents),
                MaxChanges = parse.GetValue(changes),
                TopSubjects = parse.GetValue(top),
                ProgressEvery = ProgressEvery,
            };
            var path = parse.GetValue(database) ?? AuditDatabaseOption.DefaultPath;
            PolicySimulationReport report;
            try
            {
                var db = AuditDatabaseOption.Open(path, error);
                if (db is null)
                {
                    return 1;
                }

                report = await SimulateAsync(db, candidate, options, parse.GetValue(app), error, cancellationToken);
            }
            catch (SqliteException ex)
            {
                error.WriteLine($"cannot read the database {path}: {ex.Message}");
                return 1;
            }

            if (parse.GetValue(json))
            {
                using var stream = new MemoryStream();
                using (var writer = new Utf8JsonWriter(stream, JsonOptions))
                {
                    var document = PolicySimulationJson.ToJson(report);
                    if (parse.GetValue(app) is { } appName)
                    {
                        document["app"] = appName;
                    }

                    document.WriteTo(writer);
                }

                output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            }
            else
            {
                Print(report, policyFile.Name, output);
            }

            return 0;
        });
        return command;
    }

    private static async Task<PolicySimulationReport> SimulateAsync(SqliteDatabase db, CompiledPolicy candidate, PolicySimulationOptions options, string? app,
        TextWriter error, CancellationToken cancellationToken)
    {
        // Decisions committed while this runs belong to the next run.
        var head = await new SqliteAuditReader(db).GetHeadAsync(cancellationToken);
        var reader = new SqliteAuditForwardReader(db);
        var query = new AuditQuery { Type = AuditEventTypes.DecisionEvaluated, App = app, Since = options.Since, Until = options.Until };
        return await new PolicySimulator(candidate, options).RunAsync(
            after => reader.ReadForwardAsync(query, after, head.Seq, cancellationToken), new LineProgress(error), cancellationToken);
    }

    /// <summary>A line on standard error every <see cref="ProgressEvery"/> events, written synchronously so lines stay in order.</summary>
    private sealed class LineProgress(TextWriter error) : IProgress<PolicySimulationProgress>
    {
        public void Report(PolicySimulationProgress value) =>
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"… {value.Events:N0} decisions read, {value.Changed:N0} changed (up to {(value.LastTime is { } t ? AuditTime.ToText(t) : "-")})"));
    }
}
