using System.CommandLine;
using StepUp.Core.Reports;
using StepUp.Core.Security;
using StepUp.Storage.Keys;

namespace StepUp.Cli.Commands;

/// <summary>
/// <c>stepup report verify FILE</c>: recomputes a report's digest and checks its JWS against the
/// audit keys of a JWK Set (<c>--jwks</c>) or of the database. Exits 0 when intact, 1 otherwise.
/// </summary>
internal static class ReportVerifyCommand
{
    public static Command Create(TextWriter output)
    {
        var file = new Argument<FileInfo>("file") { Description = "The report HTML file" };
        var jwks = new Option<FileInfo>("--jwks") { Description = "JWK Set (a saved /.well-known/jwks.json) holding the audit key; the database's keys by default" };
        var database = AuditDatabaseOption.Create();
        var command = new Command("verify", "Check that a report is intact and signed by an audit key") { file, jwks, database };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var report = parse.GetValue(file)!;
            if (!report.Exists)
            {
                output.WriteLine($"no file at {report.FullName}");
                return 1;
            }

            var keys = await ReadKeysAsync(parse.GetValue(jwks), parse.GetValue(database), output, cancellationToken);
            if (keys is null)
            {
                return 1;
            }

            var result = ReportSignature.Verify(await File.ReadAllTextAsync(report.FullName, cancellationToken), keys);
            if (!result.Ok)
            {
                output.WriteLine($"FAILED: {result.Reason}");
                return 1;
            }

            output.WriteLine($"OK: the report is intact and signed by audit key {result.Kid} (SHA-256 {result.Digest})");
            return 0;
        });
        return command;
    }

    private static async Task<IReadOnlyList<EcPublicJwk>?> ReadKeysAsync(FileInfo? jwks, string? database, TextWriter output, CancellationToken cancellationToken)
    {
        if (jwks is not null)
        {
            try
            {
                return JsonWebKeySet.Parse(await File.ReadAllTextAsync(jwks.FullName, cancellationToken));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                output.WriteLine($"cannot read the JWK Set {jwks.FullName}: {ex.Message}");
                return null;
            }
        }

        if (AuditDatabaseOption.Open(database, output) is not { } db)
        {
            return null;
        }

        var stored = await new SqliteSigningKeyStore(db, TimeProvider.System).ListAsync(SigningKeyPurposes.Audit, cancellationToken);
        return stored.Select(k => k.PublicKey).ToList();
    }
}
