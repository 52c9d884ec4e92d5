using System.CommandLine;
using System.Security.Cryptography;
using StepUp.Core.Audit;
using StepUp.Core.Reports;
using StepUp.Storage;
using StepUp.Storage.Keys;
using StepUp.Storage.Reports;
using StepUp.Storage.Retention;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Commands;

/// <summary>
/// <c>stepup report soc2</c>: writes a signed, self-contained HTML evidence report for CC6.1,
/// CC6.2/CC6.3 and CC7.2/CC7.3 over a time window of the audit trail, and with <c>--pdf</c> a PDF
/// of it rendered by headless Chromium. Exits 0 when the chain verifies, 1 when it does not (the
/// report is still written, its controls FAILED), when the PDF cannot be rendered (the HTML is
/// still written) or on error.
/// </summary>
internal static class ReportSoc2Command
{
    public static Command Create(TextWriter output)
    {
        var from = new Option<string>("--from") { Description = "Window start: RFC 3339 time, or a span back from now such as 7d or 12h", Required = true };
        var to = new Option<string>("--to") { Description = "Window end (exclusive), RFC 3339; now by default" };
        var outFile = new Option<FileInfo>("--out") { Description = "The HTML file to write", Required = true };
        var database = AuditDatabaseOption.Create();
        var seed = new Option<int?>("--seed") { Description = "Seed of the event sample (printed in the report); random by default" };
        var pdf = new Option<FileInfo>("--pdf") { Description = $"Also render the report to this PDF file with headless Chromium ({ChromiumPdf.Variable}, else chromium on PATH)" };
        var command = new Command("soc2", "Write a signed SOC 2 evidence report (HTML) from the audit trail") { from, to, outFile, database, seed, pdf };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var now = AuditTime.Truncate(TimeProvider.System.GetUtcNow());
            if (!ReportWindow.TryParse(parse.GetValue(from), now, out var start))
            {
                output.WriteLine("--from must be an RFC 3339 time (2026-11-01T00:00:00Z) or a span such as 7d");
                return 1;
            }

            var end = now;
            if (parse.GetValue(to) is { } toText && !ReportWindow.TryParse(toText, now, out end))
            {
                output.WriteLine("--to must be an RFC 3339 time (2026-11-08T00:00:00Z) or a span such as 1d");
                return 1;
            }

            if (end <= start)
            {
                output.WriteLine("--to must be after --from");
                return 1;
            }

            var path = parse.GetValue(database) ?? AuditDatabaseOption.DefaultPath;
            if (AuditDatabaseOption.Open(path, output) is not { } db)
            {
                return 1;
            }

            var signer = await ReportAuditKey.OpenAsync(db, output, cancellationToken);
            if (signer is not { } key)
            {
                return 1;
            }

            using (key.Key)
            {
                var reader = new SqliteAuditReader(db);
                var verifier = new AuditStoreVerifier(reader, new SqliteSigningKeyStore(db, TimeProvider.System), new SqliteAuditRetention(db, TimeProvider.System));
                var input = await Soc2ReportCollector.CollectAsync(reader, verifier, start, end, now, parse.GetValue(seed) ?? RandomNumberGenerator.GetInt32(int.MaxValue),
                    key.Kid, Path.GetFileName(path), cancellationToken);
                var html = ReportSignature.Sign(Soc2Report.Render(input), key.Kid, key.Key);
                var target = parse.GetValue(outFile)!;
                await File.WriteAllTextAsync(target.FullName, html, cancellationToken);
                output.WriteLine($"wrote {target.FullName}: {input.Evidence.EventsInWindow} events from {AuditTime.ToText(start)} to {AuditTime.ToText(end)}, sample seed {input.Seed}, signed with {key.Kid}");
                var exit = 0;
                if (parse.GetValue(pdf) is { } pdfFile && !await WritePdfAsync(target, pdfFile, output, cancellationToken))
                {
                    exit = 1;
                }

                if (!input.Chain.Ok)
                {
                    output.WriteLine($"FAILED: the audit chain does not verify (seq {input.Chain.FirstBadSeq}: {input.Chain.Reason}); every control in the report is FAILED");
                    return 1;
                }

                output.WriteLine($"OK: the audit chain verifies ({input.Chain.EventsVerified} events, {input.Chain.CheckpointsVerified} checkpoints)");
                return exit;
            }
        });
        return command;
    }

    private static async Task<bool> WritePdfAsync(FileInfo html, FileInfo pdf, TextWriter output, CancellationToken cancellationToken)
    {
        var configured = Environment.GetEnvironmentVariable(ChromiumPdf.Variable);
        if (ChromiumPdf.Find(configured, Environment.GetEnvironmentVariable("PATH")) is not { } chromium)
        {
            var why = string.IsNullOrEmpty(configured)
                ? "neither chromium nor chromium-browser is on PATH (install it: apt-get install chromium, or set " + ChromiumPdf.Variable + ")"
                : $"{ChromiumPdf.Variable}={configured} is not an executable file";
            output.WriteLine($"FAILED: --pdf needs headless Chromium: {why}. The HTML report was written: {html.FullName}");
            return false;
        }

        if (await ChromiumPdf.RenderAsync(chromium, html.FullName, pdf.FullName, cancellationToken) is { } failure)
        {
            output.WriteLine($"FAILED: {chromium} could not render the PDF: {failure}. The HTML report was written: {html.FullName}");
            return false;
        }

        output.WriteLine($"wrote {pdf.FullName}: the report rendered by {chromium} (the signed evidence is the HTML file; the PDF is for reading and printing)");
        return true;
    }
}
