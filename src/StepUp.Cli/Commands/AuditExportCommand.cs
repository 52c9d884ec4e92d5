using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Export;
using StepUp.Core.Policy;
using StepUp.Storage;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Commands;

/// <summary>
/// <c>stepup audit export --format jsonl|csv|ocsf [--since] [--until] [--database] [--out FILE]</c>:
/// the events committed when it starts, oldest first, streamed to a file or standard output in
/// constant memory (progress on standard error), then recorded as <c>audit.exported</c> like an
/// export over HTTP. A whole-chain <c>jsonl</c> export verifies with <c>stepup audit verify --file</c>.
/// </summary>
internal static class AuditExportCommand
{
    private const int ProgressEvery = 100_000;
    private const int ChunkBytes = 64 * 1024;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var format = new Option<string>("--format") { Description = "jsonl (verifiable offline), csv or ocsf", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong([.. AuditExportFormats.Names]);
        var since = new Option<string>("--since") { Description = "Only events at or after this time: RFC 3339 (2026-11-01T00:00:00Z) or an age (7d, 12h)" };
        var until = new Option<string>("--until") { Description = "Only events before this time: RFC 3339 or an age" };
        var database = AuditDatabaseOption.Create();
        var outFile = new Option<FileInfo>("--out") { Description = "Write to this file instead of standard output" };
        var command = new Command("export", "Export the audit trail (jsonl, csv or OCSF), streamed") { format, since, until, database, outFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!AuditExportFormats.TryParse(parse.GetValue(format), out var exportFormat))
            {
                error.WriteLine("--format must be jsonl, csv or ocsf");
                return 1;
            }

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

            // Messages go to stderr: stdout may be the export itself.
            var db = AuditDatabaseOption.Open(parse.GetValue(database), error);
            if (db is null)
            {
                return 1;
            }

            var filters = new Dictionary<string, string>(StringComparer.Ordinal);
            if (sinceTime is { } s)
            {
                filters["since"] = AuditTime.ToText(s);
            }

            if (untilTime is { } u)
            {
                filters["until"] = AuditTime.ToText(u);
            }

            var file = parse.GetValue(outFile);
            var summary = await ExportAsync(db, exportFormat, new AuditQuery { Since = sinceTime, Until = untilTime }, file, output, error, cancellationToken);
            summary = summary with { Filters = filters };
            var destination = file is null ? "stdout" : "file";
            await using (var appender = new SqliteAuditAppender(db, TimeProvider.System))
            {
                var actor = new JsonObject { ["tool"] = "stepup audit export" };
                await appender.AppendAsync(summary.ToAuditDraft(null, actor, destination), CancellationToken.None);
            }

            var report = file is null ? error : output;
            if (!summary.Completed)
            {
                error.WriteLine($"export stopped after {summary.Count} events: {summary.Reason}");
                return 1;
            }

            report.WriteLine($"exported {summary.Count} events ({exportFormat.Name()}) to {file?.FullName ?? "standard output"}");
            return 0;
        });
        return command;
    }

    private static async Task<AuditExportSummary> ExportAsync(SqliteDatabase db, AuditExportFormat format, AuditQuery filter, FileInfo? file,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var head = await new SqliteAuditReader(db).GetHeadAsync(cancellationToken);
        var reader = new SqliteAuditForwardReader(db);
        using var formatter = format.CreateFormatter();
        var buffer = new ArrayBufferWriter<byte>(ChunkBytes * 2);
        long count = 0;
        long? first = null;
        long? last = null;
        string? failure = null;
        FileStream? stream = null;
        try
        {
            stream = file is null ? null : new FileStream(file.FullName, FileMode.Create, FileAccess.Write, FileShare.Read, ChunkBytes, useAsync: true);
            formatter.WriteHeader(buffer);
            await foreach (var evt in reader.ReadForwardAsync(filter, 0, head.Seq, cancellationToken))
            {
                formatter.Write(evt, buffer);
                first ??= evt.Seq;
                last = evt.Seq;
                if (buffer.WrittenCount >= ChunkBytes)
                {
                    await WriteChunkAsync(buffer, stream, output, cancellationToken);
                }

                if (++count % ProgressEvery == 0)
                {
                    error.WriteLine($"… {count.ToString("N0", CultureInfo.InvariantCulture)} events exported");
                }
            }

            await WriteChunkAsync(buffer, stream, output, cancellationToken);
            if (stream is not null)
            {
                await stream.FlushAsync(cancellationToken);
            }
        }
        catch (IOException ex)
        {
            failure = "write_failed";
            error.WriteLine($"cannot write the export: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            failure = "write_failed";
            error.WriteLine($"cannot write the export: {ex.Message}");
        }
        catch (AuditEventFormatException ex)
        {
            failure = "unreadable_event";
            error.WriteLine($"cannot read stored event {ex.Seq}: {ex.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failure = "cancelled";
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
        }

        return new AuditExportSummary
        {
            Format = format,
            Count = count,
            FirstSeq = first,
            LastSeq = last,
            Completed = failure is null,
            Reason = failure,
        };
    }

    // Chunks end on event boundaries, so text output never splits a UTF-8 sequence.
    private static async Task WriteChunkAsync(ArrayBufferWriter<byte> buffer, FileStream? stream, TextWriter output, CancellationToken cancellationToken)
    {
        if (buffer.WrittenCount == 0)
        {
            return;
        }

        if (stream is not null)
        {
            await stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
        }
        else
        {
            await output.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan).AsMemory(), cancellationToken);
            await output.FlushAsync(cancellationToken);
        }

        buffer.ResetWrittenCount();
    }
}
