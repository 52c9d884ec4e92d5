using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using StepUp.Core.Policy;
using StepUp.Storage.Retention;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Commands;

/// <summary>
/// <c>stepup audit prune --before DATE|AGE</c>: deletes whole events as a prefix ending at the last
/// checkpoint written before the date, so the remaining chain still verifies (from that checkpoint).
/// Refused under a legal hold; audited as <c>audit.pruned</c>.
/// </summary>
internal static class AuditPruneCommand
{
    public static Command Create(TextWriter output)
    {
        var before = new Option<string>("--before") { Description = "RFC 3339 time, or an age such as 400d", Required = true };
        var database = AuditDatabaseOption.Create();
        var command = new Command("prune", "Delete old events up to a checkpoint (the chain keeps verifying)") { before, database };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(before)!;
            DateTimeOffset cutoff;
            if (Durations.TryParse(text, out var age))
            {
                cutoff = TimeProvider.System.GetUtcNow() - age;
            }
            else if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out cutoff))
            {
                output.WriteLine($"--before: '{text}' is neither a time nor an age");
                return 1;
            }

            if (AuditDatabaseOption.Open(parse.GetValue(database), output) is not { } db)
            {
                return 1;
            }

            PruneResult result;
            try
            {
                result = await new SqliteAuditRetention(db, TimeProvider.System).PruneAsync(cutoff, cancellationToken);
            }
            catch (LegalHoldException ex)
            {
                output.WriteLine($"refused: {ex.Message}");
                return 1;
            }

            if (result.Count == 0)
            {
                output.WriteLine("nothing to prune: no checkpoint before that time covers unpruned events");
                return 0;
            }

            await using var appender = new SqliteAuditAppender(db, TimeProvider.System);
            await appender.AppendAsync(RetentionEvents.Pruned(result, cutoff, new JsonObject { ["tool"] = "stepup audit prune" }), cancellationToken);
            output.WriteLine($"pruned {result.Count} event(s) through seq {result.ThroughSeq}; the chain now starts at seq {result.ThroughSeq + 1}");
            return 0;
        });
        return command;
    }
}
