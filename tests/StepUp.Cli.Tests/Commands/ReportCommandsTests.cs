using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;
using StepUp.Storage.Keys;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Tests.Commands;

// Issue 8 item 2: `stepup report soc2` and `stepup report verify` over a seeded database with known
// figures. Two decisions 30 days old fall outside every window used here.
public sealed class ReportCommandsTests
{
    [Fact]
    public async Task Soc2_FiguresEqualAnIndependentCountOfTheSeededLog()
    {
        var db = await SeedAsync();

        var (exit, output, _) = CliRunner.Run("report", "soc2", "--from", "7d", "--out", db.Report, "--database", db.Path, "--seed", "42");

        Assert.True(exit == 0, output);
        var html = await File.ReadAllTextAsync(db.Report);
        Assert.Equal("10", Figure(html, "decisions-total"));
        Assert.Equal("6", Figure(html, "stepup-required"));
        Assert.Equal("4", Figure(html, "stepup-satisfied"));
        Assert.Equal("2", Figure(html, "stepup-unsatisfied"));
        Assert.Equal("66.7%", Figure(html, "stepup-satisfied-share"));
        var expected = new Dictionary<string, string>
        {
            ["elevations-used"] = AuditEventTypes.ElevationUsed,
            ["challenges-verified"] = AuditEventTypes.ChallengeVerified,
            ["challenge-failures"] = AuditEventTypes.ChallengeFailed,
            ["lockouts"] = AuditEventTypes.SubjectLocked,
            ["alerts-raised"] = AuditEventTypes.AlertRaised,
            ["factor-enrolled"] = AuditEventTypes.FactorEnrolled,
            ["factor-removed"] = AuditEventTypes.FactorRemoved,
            ["apikey-created"] = AuditEventTypes.ApiKeyCreated,
            ["apikey-revoked"] = AuditEventTypes.ApiKeyRevoked,
            ["policy-loaded"] = AuditEventTypes.PolicyLoaded,
            ["policy-rejected"] = AuditEventTypes.PolicyRejected,
        };
        foreach (var (id, type) in expected)
        {
            Assert.Equal(db.Sql($"SELECT count(*) FROM audit_events WHERE type = '{type}'"), Figure(html, id));
        }

        Assert.Equal(db.Sql($"SELECT count(*) FROM audit_events WHERE type = '{AuditEventTypes.AlertDelivery}' AND json_extract(payload, '$.outcome') = 'success'"), Figure(html, "alert-deliveries-ok"));
        Assert.Equal("1", Figure(html, "alert-deliveries-failed"));
        Assert.Equal(db.Sql("SELECT count(*) - 2 FROM audit_events"), Figure(html, "events-in-window"));
        Assert.Equal("PASSED", Figure(html, "integrity-status"));
        Assert.Equal("PASSED", Figure(html, "cc6-1-status"));
        Assert.Equal("verified", Figure(html, "chain-status"));
        Assert.Contains("covers seq", Figure(html, "chain-last-checkpoint"), StringComparison.Ordinal);
        Assert.Equal("42", Figure(html, "sample-seed"));
        Assert.Contains("aaaa111", html, StringComparison.Ordinal);
        Assert.Equal(10, Regex.Count(Section(html, "sample-events"), "<tr><td"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Soc2_SameSeed_DrawsTheSameSample()
    {
        var db = await SeedAsync();
        var second = db.Report + ".2.html";

        CliRunner.Run("report", "soc2", "--from", "7d", "--out", db.Report, "--database", db.Path, "--seed", "7");
        CliRunner.Run("report", "soc2", "--from", "7d", "--out", second, "--database", db.Path, "--seed", "7");

        Assert.Equal(Section(await File.ReadAllTextAsync(db.Report), "sample-events"), Section(await File.ReadAllTextAsync(second), "sample-events"));
    }

    [Fact]
    public async Task Verify_IntactReport_Exits0_WithTheJwksOrTheDatabase()
    {
        var db = await SeedAsync();
        CliRunner.Run("report", "soc2", "--from", "7d", "--out", db.Report, "--database", db.Path);

        var (withJwks, output, _) = CliRunner.Run("report", "verify", db.Report, "--jwks", db.Jwks);
        var (withDatabase, _, _) = CliRunner.Run("report", "verify", db.Report, "--database", db.Path);

        Assert.Equal(0, withJwks);
        Assert.Contains("OK: the report is intact", output, StringComparison.Ordinal);
        Assert.Equal(0, withDatabase);
    }

    [Theory]
    [InlineData("id=\"decisions-total\">10<", "id=\"decisions-total\">11<")]
    [InlineData("id=\"cc6-1-status\">PASSED<", "id=\"cc6-1-status\">PASSEd<")]
    [InlineData("margin:2em", "margin:3em")]
    public async Task Verify_OneCharacterEdited_Exits1(string original, string edited)
    {
        var db = await SeedAsync();
        CliRunner.Run("report", "soc2", "--from", "7d", "--out", db.Report, "--database", db.Path, "--seed", "1");
        var html = await File.ReadAllTextAsync(db.Report);
        Assert.Contains(original, html, StringComparison.Ordinal);
        await File.WriteAllTextAsync(db.Report, html.Replace(original, edited, StringComparison.Ordinal));

        var (exit, output, _) = CliRunner.Run("report", "verify", db.Report, "--jwks", db.Jwks);

        Assert.Equal(1, exit);
        Assert.Contains("FAILED: the report was edited after it was signed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SignatureEdited_OrOtherKey_Exits1()
    {
        var db = await SeedAsync();
        CliRunner.Run("report", "soc2", "--from", "7d", "--out", db.Report, "--database", db.Path);
        var html = await File.ReadAllTextAsync(db.Report);
        var at = html.LastIndexOf(" -->", StringComparison.Ordinal) - 5;
        var flipped = html[..at] + (html[at] == 'A' ? 'B' : 'A') + html[(at + 1)..];
        await File.WriteAllTextAsync(db.Report, flipped);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherJwks = CliRunner.TempFile(JsonWebKeySet.ToJson([EcPublicJwk.FromKey("other", other)]).ToJsonString(), ".json");

        var (edited, output, _) = CliRunner.Run("report", "verify", db.Report, "--jwks", db.Jwks);
        var (unknown, unknownOutput, _) = CliRunner.Run("report", "verify", db.Report, "--jwks", otherJwks);

        Assert.Equal(1, edited);
        Assert.Contains("FAILED:", output, StringComparison.Ordinal);
        Assert.Equal(1, unknown);
        Assert.Contains("not among the given audit keys", unknownOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Soc2_TamperedChain_ShowsFailedControls_AndExits1_AfterWritingASignedReport()
    {
        var db = await SeedAsync();
        db.Tamper("UPDATE audit_events SET payload = replace(payload, 'user-1', 'user-X') WHERE seq = 5;");

        var (exit, output, _) = CliRunner.Run("report", "soc2", "--from", "7d", "--out", db.Report, "--database", db.Path);

        Assert.Equal(1, exit);
        Assert.Contains("FAILED: the audit chain does not verify (seq 5: payload_digest_mismatch)", output, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(db.Report);
        Assert.Equal("FAILED", Figure(html, "integrity-status"));
        Assert.Equal("FAILED", Figure(html, "cc6-1-status"));
        Assert.Equal("FAILED", Figure(html, "cc7-2-status"));
        Assert.Equal("5", Figure(html, "chain-first-bad-seq"));
        Assert.Equal(0, CliRunner.Run("report", "verify", db.Report, "--jwks", db.Jwks).Exit);
    }

    // Renders with the real Chromium (Debian's, at /usr/bin/chromium; scripts/test.sh installs it). A
    // missing Chromium fails this test with the command's own message: it is never skipped.
    [Fact]
    public async Task Soc2_Pdf_RendersTheReportWithHeadlessChromium()
    {
        var db = await SeedAsync();
        var pdf = Path.ChangeExtension(db.Report, ".pdf");

        var (exit, output, _) = CliRunner.Run("report", "soc2", "--from", "7d", "--out", db.Report, "--pdf", pdf, "--database", db.Path, "--seed", "42");

        Assert.True(exit == 0, output);
        Assert.Contains($"wrote {pdf}", output, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(pdf, TestContext.Current.CancellationToken);
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
        Assert.True(bytes.Length > 10_000, $"the PDF has only {bytes.Length} bytes");
        Assert.Equal(0, CliRunner.Run("report", "verify", db.Report, "--jwks", db.Jwks).Exit);
    }

    [Fact]
    public async Task Soc2_PdfWithoutChromium_Exits1_AfterWritingTheHtml()
    {
        var db = await SeedAsync();
        var pdf = Path.ChangeExtension(db.Report, ".pdf");
        var missing = Path.Combine(Path.GetTempPath(), "stepup-no-chromium-" + Guid.NewGuid().ToString("N"), "chromium");
        var saved = Environment.GetEnvironmentVariable(StepUp.Cli.Commands.ChromiumPdf.Variable);
        int exit;
        string output;
        try
        {
            // Only report soc2 --pdf reads this variable, and this class's tests run one at a time.
            Environment.SetEnvironmentVariable(StepUp.Cli.Commands.ChromiumPdf.Variable, missing);
            (exit, output, _) = CliRunner.Run("report", "soc2", "--from", "7d", "--out", db.Report, "--pdf", pdf, "--database", db.Path);
        }
        finally
        {
            Environment.SetEnvironmentVariable(StepUp.Cli.Commands.ChromiumPdf.Variable, saved);
        }

        Assert.Equal(1, exit);
        Assert.Contains($"FAILED: --pdf needs headless Chromium: STEPUP_CHROMIUM={missing} is not an executable file. The HTML report was written", output, StringComparison.Ordinal);
        Assert.Contains("OK: the audit chain verifies", output, StringComparison.Ordinal);
        Assert.False(File.Exists(pdf));
        Assert.Equal(0, CliRunner.Run("report", "verify", db.Report, "--jwks", db.Jwks).Exit);
    }

    [Fact]
    public void FindChromium_UsesTheVariable_ElsePath()
    {
        var bin = Directory.CreateTempSubdirectory("stepup-cli-bin-").FullName;
        var fake = Path.Combine(bin, "chromium-browser");
        File.WriteAllText(fake, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var notExecutable = Path.Combine(bin, "chromium");
        File.WriteAllText(notExecutable, string.Empty);

        Assert.Equal(fake, StepUp.Cli.Commands.ChromiumPdf.Find(null, "/nonexistent" + Path.PathSeparator + bin));
        Assert.Equal(fake, StepUp.Cli.Commands.ChromiumPdf.Find("chromium-browser", bin));
        Assert.Equal(fake, StepUp.Cli.Commands.ChromiumPdf.Find(fake, null));
        Assert.Null(StepUp.Cli.Commands.ChromiumPdf.Find(notExecutable, bin));
        Assert.Null(StepUp.Cli.Commands.ChromiumPdf.Find(null, "/nonexistent"));
    }

    [Fact]
    public async Task Soc2_BadWindow_Exits1_WithoutWriting()
    {
        var db = await SeedAsync();

        var (exit, output, _) = CliRunner.Run("report", "soc2", "--from", "last week", "--out", db.Report, "--database", db.Path);

        Assert.Equal(1, exit);
        Assert.Contains("--from must be", output, StringComparison.Ordinal);
        Assert.False(File.Exists(db.Report));
    }

    [Theory]
    [InlineData("2026-11-01T00:00:00Z", "2026-11-01T00:00:00.000Z")]
    [InlineData("2026-11-01T02:00:00+02:00", "2026-11-01T00:00:00.000Z")]
    [InlineData("7d", "2026-11-15T12:00:00.000Z")]
    [InlineData("12h", "2026-11-22T00:00:00.000Z")]
    public void Window_ReadsRfc3339AndSpans(string text, string expected)
    {
        Assert.True(StepUp.Cli.Commands.ReportWindow.TryParse(text, new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero), out var time));
        Assert.Equal(expected, AuditTime.ToText(time));
    }

    [Theory]
    [InlineData("2026-11-01")]
    [InlineData("2026-11-01T00:00:00")]
    [InlineData("7 days")]
    public void Window_RejectsOtherText(string text) =>
        Assert.False(StepUp.Cli.Commands.ReportWindow.TryParse(text, DateTimeOffset.UnixEpoch, out _));

    private static string Figure(string html, string id)
    {
        var match = Regex.Match(html, $"id=\"{Regex.Escape(id)}\">([^<]*)<");
        Assert.True(match.Success, $"no element {id}");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no element {id}");
        return html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    private static async Task<Seeded> SeedAsync()
    {
        var directory = Directory.CreateTempSubdirectory("stepup-cli-report-").FullName;
        var seeded = new Seeded(directory);
        var db = SqliteDatabase.Open($"Data Source={seeded.Path}", TimeProvider.System);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = SigningKeyPurposes.Kid(SigningKeyPurposes.Audit, EcPublicJwk.FromKey("-", key));
        using (var box = new SecretBox(SecretsKeyFile.LoadOrCreate(SecretsKeyFile.PathBeside(db)!, out _)))
        {
            await new SqliteSigningKeyStore(db, TimeProvider.System).TryAddActiveAsync(new SigningKeyRecord
            {
                Kid = kid,
                Purpose = SigningKeyPurposes.Audit,
                PublicKey = EcPublicJwk.FromKey(kid, key),
                SealedPrivateKey = box.Seal(key.ExportPkcs8PrivateKey(), SigningKeyRecord.AssociatedData(kid)),
                CreatedAt = AuditTime.Truncate(DateTimeOffset.UtcNow),
            });
        }

        await File.WriteAllTextAsync(seeded.Jwks, JsonWebKeySet.ToJson([EcPublicJwk.FromKey(kid, key)]).ToJsonString());
        await using (var old = new SqliteAuditAppender(db, new FixedClock(DateTimeOffset.UtcNow.AddDays(-30))))
        {
            await old.AppendAsync(Decision("allow", null, null, null));
            await old.AppendAsync(Decision("step_up", null, "ch_old", null));
        }

        await using (var appender = new SqliteAuditAppender(db, TimeProvider.System))
        {
            AuditEvent last = null!;
            foreach (var draft in WindowDrafts())
            {
                last = await appender.AppendAsync(draft);
            }

            var statement = new AuditCheckpoint(last.Seq, last.Hash, last.Time);
            await appender.AppendAsync(new AuditEventDraft { Type = AuditEventTypes.AuditCheckpoint, Payload = statement.ToEventPayload(CheckpointJws.Sign(statement, kid, key)) });
        }

        SqliteConnection.ClearAllPools();
        return seeded;
    }

    // 10 decisions: 3 allow, 1 deny, 4 step_up (challenges ch_1..ch_4, of which ch_1 and ch_2 are
    // verified), 2 allowed by a fresh elevation. So 6 required a step-up and 4 were satisfied.
    private static IEnumerable<AuditEventDraft> WindowDrafts()
    {
        for (var i = 1; i <= 3; i++)
        {
            yield return Decision("allow", null, null, null);
        }

        yield return Decision("deny", null, null, null);
        for (var i = 1; i <= 4; i++)
        {
            yield return Decision("step_up", "step_up", $"ch_{i}", null);
        }

        yield return Decision("allow", "step_up", null, "el_1");
        yield return Decision("allow", "step_up", null, "el_2");
        yield return Event(AuditEventTypes.ChallengeVerified, "success", new JsonObject { ["challenge"] = new JsonObject { ["id"] = "ch_1" } });
        yield return Event(AuditEventTypes.ChallengeVerified, "success", new JsonObject { ["challenge"] = new JsonObject { ["id"] = "ch_2" } });
        for (var i = 0; i < 3; i++)
        {
            yield return Event(AuditEventTypes.ChallengeFailed, "failure", new JsonObject { ["challenge"] = new JsonObject { ["id"] = "ch_3" }, ["reason"] = "invalid_code" });
        }

        yield return Event(AuditEventTypes.SubjectLocked, "failure", new JsonObject { ["reason"] = "consecutive_failures" });
        yield return Event(AuditEventTypes.ElevationUsed, "success", []);
        yield return Event(AuditEventTypes.ElevationUsed, "success", []);
        yield return Event(AuditEventTypes.AlertRaised, "success", []);
        yield return Event(AuditEventTypes.AlertRaised, "success", []);
        yield return Event(AuditEventTypes.AlertDelivery, "success", []);
        yield return Event(AuditEventTypes.AlertDelivery, "failure", []);
        for (var i = 0; i < 3; i++)
        {
            yield return Event(AuditEventTypes.FactorEnrolled, "success", new JsonObject { ["factor"] = new JsonObject { ["id"] = $"f_{i}", ["type"] = "totp" } });
        }

        yield return Event(AuditEventTypes.FactorRemoved, "success", []);
        yield return Event(AuditEventTypes.ApiKeyCreated, "success", []);
        yield return Event(AuditEventTypes.ApiKeyCreated, "success", []);
        yield return Event(AuditEventTypes.ApiKeyRevoked, "success", []);
        yield return Event(AuditEventTypes.PolicyLoaded, "success", new JsonObject { ["policy_version"] = "aaaa111", ["policy"] = new JsonObject { ["previous_version"] = "0000" } });
        yield return Event(AuditEventTypes.PolicyRejected, "failure", []);
        yield return Event(AuditEventTypes.PolicyLoaded, "success", new JsonObject { ["policy_version"] = "bbbb222", ["policy"] = new JsonObject { ["previous_version"] = "aaaa111" } });
    }

    private static AuditEventDraft Decision(string effect, string? policyEffect, string? challenge, string? elevation)
    {
        var decision = new JsonObject { ["effect"] = effect };
        if (policyEffect is not null)
        {
            decision["policy_effect"] = policyEffect;
        }

        if (elevation is not null)
        {
            decision["elevation_id"] = elevation;
        }

        var payload = new JsonObject { ["outcome"] = effect, ["subject"] = new JsonObject { ["id"] = "user-1" }, ["decision"] = decision };
        if (challenge is not null)
        {
            payload["challenge"] = new JsonObject { ["id"] = challenge };
        }

        return new AuditEventDraft { Type = AuditEventTypes.DecisionEvaluated, Payload = payload };
    }

    private static AuditEventDraft Event(string type, string outcome, JsonObject payload)
    {
        payload["outcome"] = outcome;
        return new AuditEventDraft { Type = type, Payload = payload };
    }

    private sealed class Seeded(string directory)
    {
        public string Path => System.IO.Path.Combine(directory, "stepup.db");

        public string Jwks => System.IO.Path.Combine(directory, "jwks.json");

        public string Report => System.IO.Path.Combine(directory, "report.html");

        public string Sql(string query)
        {
            using (var connection = new SqliteConnection($"Data Source={Path}"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = query;
                var value = Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
                connection.Close();
                SqliteConnection.ClearAllPools();
                return value;
            }
        }

        public void Tamper(string sql) => Sql("DROP TRIGGER IF EXISTS audit_events_append_only; " + sql + " SELECT 0;");
    }
}
