using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Storage;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Commands;

/// <summary>
/// <c>stepup audit verify</c>: checks every digest, hash and seq of the configured database (or of
/// an exported <c>.jsonl</c> file with <c>--file</c>), names the first bad seq and why, exits 0/1.
/// Verifying a database is itself audited (<c>audit.verified</c>).
/// </summary>
internal static class AuditVerifyCommand
{
    private const int ProgressEvery = 100_000;

    public static Command Create(TextWriter output)
    {
        var database = new Option<string>("--database") { Description = "SQLite database file (default ./data/stepup.db)" };
        var file = new Option<FileInfo>("--file") { Description = "Verify an exported audit .jsonl file offline instead" };
        var command = new Command("verify", "Verify the audit hash chain") { database, file };
        command.SetAction(async (parse, cancellationToken) =>
        {
            AuditVerification result;
            if (parse.GetValue(file) is { } export)
            {
                result = await VerifyFileAsync(export, output, cancellationToken);
            }
            else
            {
                var path = parse.GetValue(database) ?? "./data/stepup.db";
                if (!File.Exists(path))
                {
                    output.WriteLine($"no database at {path}");
                    return 1;
                }

                result = await VerifyDatabaseAsync(path, output, cancellationToken);
            }

            output.WriteLine(result.Ok
                ? $"OK: {result.EventsVerified} events verified, last seq {result.LastSeq}"
                : $"FAILED at seq {result.FirstBadSeq}: {result.Reason} ({result.EventsVerified} events verified before it)");
            return result.Ok ? 0 : 1;
        });
        return command;
    }

    private static async Task<AuditVerification> VerifyDatabaseAsync(string path, TextWriter output, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        var db = SqliteDatabase.Open(connection, TimeProvider.System);
        var verifier = new AuditStoreVerifier(new SqliteAuditReader(db));
        var result = await verifier.VerifyAsync(progress: new Progress<long>(seq => Progress(seq, output)), cancellationToken: cancellationToken);
        await using var appender = new SqliteAuditAppender(db, TimeProvider.System);
        await appender.AppendAsync(new AuditEventDraft
        {
            Type = AuditEventTypes.AuditVerified,
            Payload = new JsonObject
            {
                ["outcome"] = result.Ok ? "success" : "failure",
                ["severity"] = result.Ok ? "info" : "critical",
                ["actor"] = new JsonObject { ["tool"] = "stepup audit verify" },
                ["verification"] = new JsonObject
                {
                    ["ok"] = result.Ok,
                    ["events_verified"] = result.EventsVerified,
                    ["last_seq"] = result.LastSeq,
                },
            },
        }, cancellationToken);
        return result;
    }

    private static async Task<AuditVerification> VerifyFileAsync(FileInfo export, TextWriter output, CancellationToken cancellationToken)
    {
        var verifier = new AuditChainVerifier();
        using var reader = export.OpenText();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            AuditEvent evt;
            try
            {
                evt = AuditEvent.Parse(line);
            }
            catch (AuditEventFormatException ex)
            {
                verifier.AddMalformed(ex.Seq);
                break;
            }

            if (!verifier.Add(evt))
            {
                break;
            }

            Progress(evt.Seq, output);
        }

        return verifier.Result;
    }

    private static void Progress(long seq, TextWriter output)
    {
        if (seq % ProgressEvery == 0)
        {
            output.WriteLine($"… {seq} events verified");
        }
    }
}
