using System.CommandLine;
using StepUp.Core.Audit;
using StepUp.Storage.Retention;

namespace StepUp.Cli.Commands;

/// <summary>
/// <c>stepup audit hold place|lift|list [--subject ID]</c>: legal holds. A hold stops retention,
/// erasure and pruning for everything or for one subject.
/// </summary>
internal static class AuditHoldCommand
{
    public static Command Create(TextWriter output)
    {
        var hold = new Command("hold", "Legal holds: stop retention, erasure and pruning");

        var subject = new Option<string>("--subject") { Description = "Hold only this subject's events (default: everything)" };
        var reason = new Option<string>("--reason") { Description = "Why (case number, request)", Required = true };
        var database = AuditDatabaseOption.Create();
        var place = new Command("place", "Place a legal hold") { subject, reason, database };
        place.SetAction(async (parse, cancellationToken) =>
        {
            if (AuditDatabaseOption.Open(parse.GetValue(database), output) is not { } db)
            {
                return 1;
            }

            await new SqliteAuditRetention(db, TimeProvider.System).PlaceHoldAsync(parse.GetValue(subject), parse.GetValue(reason)!, cancellationToken);
            output.WriteLine($"legal hold placed on {Describe(parse.GetValue(subject))}");
            return 0;
        });

        var liftSubject = new Option<string>("--subject") { Description = "Lift the hold of this subject (default: the hold on everything)" };
        var liftDatabase = AuditDatabaseOption.Create();
        var lift = new Command("lift", "Lift a legal hold") { liftSubject, liftDatabase };
        lift.SetAction(async (parse, cancellationToken) =>
        {
            if (AuditDatabaseOption.Open(parse.GetValue(liftDatabase), output) is not { } db)
            {
                return 1;
            }

            var lifted = await new SqliteAuditRetention(db, TimeProvider.System).LiftHoldAsync(parse.GetValue(liftSubject), cancellationToken);
            output.WriteLine(lifted ? $"legal hold on {Describe(parse.GetValue(liftSubject))} lifted" : "no such hold");
            return lifted ? 0 : 1;
        });

        var listDatabase = AuditDatabaseOption.Create();
        var list = new Command("list", "List legal holds") { listDatabase };
        list.SetAction(async (parse, cancellationToken) =>
        {
            if (AuditDatabaseOption.Open(parse.GetValue(listDatabase), output) is not { } db)
            {
                return 1;
            }

            foreach (var h in await new SqliteAuditRetention(db, TimeProvider.System).ListHoldsAsync(cancellationToken))
            {
                output.WriteLine($"{Describe(h.SubjectId)}\t{AuditTime.ToText(h.CreatedAt)}\t{h.Reason}");
            }

            return 0;
        });

        hold.Subcommands.Add(place);
        hold.Subcommands.Add(lift);
        hold.Subcommands.Add(list);
        return hold;
    }

    private static string Describe(string? subject) => subject is null ? "everything" : "subject " + subject;
}
