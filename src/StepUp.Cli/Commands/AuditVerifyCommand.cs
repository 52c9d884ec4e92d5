using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Spectre.Console;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Storage;
using StepUp.Storage.Checkpoints;
using StepUp.Storage.Keys;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Commands;

/// <summary>
/// <c>stepup audit verify</c>: checks every digest, hash, seq and checkpoint signature of the
/// configured database (or of an exported <c>.jsonl</c> file with <c>--file</c>, keys from
/// <c>--jwks</c>), and with <c>--anchor</c> that every checkpoint of an anchor file is still in the
/// chain. Names the first bad seq and why; exits 0 when everything verifies, 1 otherwise.
/// Verifying a database is itself audited (<c>audit.verified</c>).
/// </summary>
internal static class AuditVerifyCommand
{
    private const int ProgressEvery = 100_000;
    private const long ProgressBarThreshold = 200_000;
    private const string DefaultDatabase = "./data/stepup.db";

    public static Command Create(TextWriter output)
    {
        var database = new Option<string>("--database") { Description = $"SQLite database file (default {DefaultDatabase})" };
        var file = new Option<FileInfo>("--file") { Description = "Verify an exported audit .jsonl file offline instead" };
        var jwks = new Option<FileInfo>("--jwks") { Description = "JWK Set (a saved /.well-known/jwks.json) whose audit keys check checkpoint signatures; a database's own keys by default" };
        var anchor = new Option<FileInfo>("--anchor") { Description = "Checkpoint file (StepUp:Audit:CheckpointFile): each checkpoint in it must still be in the chain" };
        var command = new Command("verify", "Verify the audit hash chain, its checkpoint signatures and anchors") { database, file, jwks, anchor };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var jwksFile = parse.GetValue(jwks);
            var anchorFile = parse.GetValue(anchor);
            using var keys = ReadKeys(jwksFile, output, out var keysOk);
            var anchors = ReadAnchors(anchorFile, output, out var anchorsOk);
            if (!keysOk || !anchorsOk)
            {
                return 1;
            }

            AuditVerification result;
            if (parse.GetValue(file) is { } export)
            {
                if (!export.Exists)
                {
                    output.WriteLine($"no file at {export.FullName}");
                    return 1;
                }

                result = await VerifyFileAsync(export, keys ?? CheckpointKeyRing.Empty(), anchors, output, cancellationToken);
            }
            else
            {
                var path = parse.GetValue(database) ?? DefaultDatabase;
                if (!File.Exists(path))
                {
                    output.WriteLine($"no database at {path}");
                    return 1;
                }

                result = await VerifyDatabaseAsync(path, keys, anchors, anchorFile is not null, output, cancellationToken);
            }

            Print(result, output, offlineWithoutKeys: parse.GetValue(file) is not null && jwksFile is null);
            return result.Ok ? 0 : 1;
        });
        return command;
    }

    private static CheckpointKeyRing? ReadKeys(FileInfo? jwks, TextWriter output, out bool ok)
    {
        ok = true;
        if (jwks is null)
        {
            return null;
        }

        try
        {
            return CheckpointKeyRing.FromJwks(File.ReadAllText(jwks.FullName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            output.WriteLine($"cannot read the JWK Set {jwks.FullName}: {ex.Message}");
            ok = false;
            return null;
        }
    }

    private static IReadOnlyList<CheckpointAnchor> ReadAnchors(FileInfo? anchor, TextWriter output, out bool ok)
    {
        ok = true;
        if (anchor is null)
        {
            return [];
        }

        try
        {
            return CheckpointAnchor.ParseLines(File.ReadLines(anchor.FullName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AuditEventFormatException)
        {
            output.WriteLine($"cannot read the anchor file {anchor.FullName}: {ex.Message}");
            ok = false;
            return [];
        }
    }

    private static async Task<AuditVerification> VerifyDatabaseAsync(string path, CheckpointKeyRing? keys, IReadOnlyList<CheckpointAnchor> anchors, bool anchored,
        TextWriter output, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        var db = SqliteDatabase.Open(connection, TimeProvider.System);
        var reader = new SqliteAuditReader(db);
        var verifier = new AuditStoreVerifier(reader, new SqliteSigningKeyStore(db, TimeProvider.System), new StepUp.Storage.Retention.SqliteAuditRetention(db, TimeProvider.System));
        var total = (await reader.GetHeadAsync(cancellationToken)).Seq;
        var result = await WithProgressAsync(total, "Verifying the audit chain", output, progress =>
            verifier.VerifyAsync(new AuditStoreVerifyOptions { Keys = keys, Anchors = anchors, Progress = new SeqProgress(progress, output) }, cancellationToken));

        var verification = new JsonObject
        {
            ["ok"] = result.Ok,
            ["events_verified"] = result.EventsVerified,
            ["last_seq"] = result.LastSeq,
            ["checkpoints_verified"] = result.CheckpointsVerified,
            ["first_bad_seq"] = result.FirstBadSeq,
            ["reason"] = result.Reason,
            ["keys"] = keys is null ? "database" : "jwks",
            ["anchored"] = anchored,
        };
        await using var appender = new SqliteAuditAppender(db, TimeProvider.System);
        await appender.AppendAsync(new AuditEventDraft
        {
            Type = AuditEventTypes.AuditVerified,
            Payload = new JsonObject
            {
                ["outcome"] = result.Ok ? "success" : "failure",
                ["severity"] = result.Ok ? "info" : "critical",
                ["actor"] = new JsonObject { ["tool"] = "stepup audit verify" },
                ["verification"] = verification,
            },
        }, cancellationToken);
        return result;
    }

    private static async Task<AuditVerification> VerifyFileAsync(FileInfo export, CheckpointKeyRing keys, IReadOnlyList<CheckpointAnchor> anchors, TextWriter output,
        CancellationToken cancellationToken)
    {
        using var reader = export.OpenText();
        return await WithProgressAsync(export.Length, "Verifying " + export.Name, output, async progress =>
        {
            AuditChainVerifier? verifier = null;
            var lines = 0L;
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
                    verifier ??= new AuditChainVerifier(1, AuditChain.GenesisHash, keys, anchors);
                    verifier.AddMalformed(ex.Seq);
                    break;
                }

                verifier ??= StartFor(evt, keys, anchors);
                if (!verifier.Add(evt))
                {
                    break;
                }

                if (++lines % 1000 == 0)
                {
                    progress?.Invoke(reader.BaseStream.Position);
                }

                if (progress is null && evt.Seq % ProgressEvery == 0)
                {
                    output.WriteLine($"… {evt.Seq} events verified");
                }
            }

            return (verifier ?? new AuditChainVerifier(1, AuditChain.GenesisHash, keys, anchors)).Complete();
        });
    }

    /// <summary>
    /// Where an export's chain starts: at seq 1 from the genesis hash, or — for an export of a
    /// pruned trail — at a checkpoint that signs the hash of the event just before it.
    /// </summary>
    private static AuditChainVerifier StartFor(AuditEvent first, CheckpointKeyRing keys, IReadOnlyList<CheckpointAnchor> anchors) =>
        first.Seq > 1 && first.Type == AuditEventTypes.AuditCheckpoint &&
        AuditCheckpoint.TryReadEventPayload(first.Payload, out var seq, out var hash, out _) && seq == first.Seq - 1
            ? new AuditChainVerifier(first.Seq, hash, keys, anchors)
            : new AuditChainVerifier(1, AuditChain.GenesisHash, keys, anchors);

    // A Spectre.Console bar when a person watches a long run; plain lines (or nothing) otherwise.
    private static async Task<AuditVerification> WithProgressAsync(long total, string title, TextWriter output, Func<Action<long>?, Task<AuditVerification>> run)
    {
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive || total < ProgressBarThreshold)
        {
            return await run(null);
        }

        AuditVerification result = null!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(title, maxValue: total);
                result = await run(value => task.Value = value);
                task.Value = total;
            });
        return result;
    }

    private static void Print(AuditVerification result, TextWriter output, bool offlineWithoutKeys)
    {
        if (result.Ok)
        {
            var line = $"OK: {result.EventsVerified} events verified, last seq {result.LastSeq}; {result.CheckpointsVerified} checkpoints verified";
            if (result.LastCheckpoint is { } last)
            {
                line += $" (the last covers seq {last.Seq}, signed {AuditTime.ToText(last.Time)})";
            }

            if (result.AnchorsVerified > 0)
            {
                line += $"; {result.AnchorsVerified} anchored checkpoints found in the chain";
            }

            output.WriteLine(line);
            return;
        }

        output.WriteLine($"FAILED at seq {result.FirstBadSeq}: {result.Reason} ({result.EventsVerified} events verified before it)");
        output.WriteLine("  " + Explain(result.Reason));
        if (result.Detail is { } detail)
        {
            output.WriteLine("  " + detail);
        }

        if (offlineWithoutKeys && result.Reason == AuditVerificationReasons.CheckpointUnknownKey)
        {
            output.WriteLine("  pass --jwks with the server's /.well-known/jwks.json to check checkpoint signatures offline");
        }
    }

    private static string Explain(string? reason) => reason switch
    {
        AuditVerificationReasons.SeqGap => "an event is missing or out of order here (a deleted, duplicated or reordered row)",
        AuditVerificationReasons.PrevHashMismatch => "this event does not link to the one before it (rows reordered, replaced or inserted)",
        AuditVerificationReasons.PayloadDigestMismatch => "this event's payload was changed after it was written",
        AuditVerificationReasons.HashMismatch => "this event's envelope (id, time, type or links) was changed after it was written",
        AuditVerificationReasons.MalformedEvent => "this event cannot be read as an audit event",
        AuditVerificationReasons.CheckpointMismatch => "this checkpoint does not match the chain: events before it were rewritten",
        AuditVerificationReasons.CheckpointSignatureInvalid => "this checkpoint's signature does not verify: it was forged or altered",
        AuditVerificationReasons.CheckpointUnknownKey => "this checkpoint is signed by a key that is not a known audit key",
        AuditVerificationReasons.AnchorMissing => "the chain ends before a checkpoint recorded in the anchor file: it was truncated or rolled back",
        AuditVerificationReasons.AnchorMismatch => "the chain holds another event where the anchor file recorded a checkpoint: it was rewritten",
        _ => "verification failed",
    };

    /// <summary>Reports verified seqs synchronously (so output stays in order), to a bar or as a line every 100,000 events.</summary>
    private sealed class SeqProgress(Action<long>? bar, TextWriter output) : IProgress<long>
    {
        public void Report(long value)
        {
            if (bar is not null)
            {
                if (value % 1000 == 0)
                {
                    bar(value);
                }
            }
            else if (value % ProgressEvery == 0)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"… {value} events verified"));
            }
        }
    }
}
