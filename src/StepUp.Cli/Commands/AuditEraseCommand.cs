using System.CommandLine;
using System.Text.Json.Nodes;
using StepUp.Storage.Retention;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Commands;

/// <summary>
/// <c>stepup audit erase --subject ID</c>: a privacy request. Erases the payload of every event of
/// the subject (envelopes stay, the chain still verifies) and audits it as <c>audit.erased</c>.
/// Refused (exit 1) under a legal hold.
/// </summary>
internal static class AuditEraseCommand
{
    public static Command Create(TextWriter output)
    {
        var subject = new Option<string>("--subject") { Description = "The subject whose event payloads are erased", Required = true };
        var reference = new Option<string>("--reference") { Description = "The privacy request's reference, recorded in the audit.erased event (the subject id is not)" };
        var database = AuditDatabaseOption.Create();
        var command = new Command("erase", "Erase a subject's event payloads (privacy request)") { subject, reference, database };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var db = AuditDatabaseOption.Open(parse.GetValue(database), output);
            if (db is null)
            {
                return 1;
            }

            var subjectId = parse.GetValue(subject)!;
            long count;
            try
            {
                count = await new SqliteAuditRetention(db, TimeProvider.System).EraseSubjectAsync(subjectId, cancellationToken);
            }
            catch (LegalHoldException ex)
            {
                output.WriteLine($"refused: {ex.Message}");
                return 1;
            }

            await using var appender = new SqliteAuditAppender(db, TimeProvider.System);
            var actor = new JsonObject { ["tool"] = "stepup audit erase" };
            await appender.AppendAsync(RetentionEvents.Erased("privacy_request", count, actor, reference: parse.GetValue(reference)), cancellationToken);
            output.WriteLine($"erased {count} event payload(s) of subject {subjectId}");
            return 0;
        });
        return command;
    }
}
