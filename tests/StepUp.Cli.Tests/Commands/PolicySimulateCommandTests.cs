using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Tests.Commands;

public class PolicySimulateCommandTests
{
    /// <summary>Yesterday at noon UTC: inside the default 7-day window, and never night time for the example policy.</summary>
    private static readonly DateTimeOffset SeedTime = new(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-1).AddHours(12), TimeSpan.Zero);

    private const string Threshold = "resource.attributes.amount >= 10000 || risk.new_device";

    private static string RaisedThreshold()
    {
        var text = File.ReadAllText(CliRunner.Example("policy.yaml"));
        Assert.Contains(Threshold, text, StringComparison.Ordinal);
        return CliRunner.TempFile(text.Replace(Threshold, "resource.attributes.amount >= 20000 || risk.new_device", StringComparison.Ordinal));
    }

    /// <summary>
    /// A database holding decisions as the server writes them, decided with the example policy now:
    /// transfers by alice (one per amount), a new-device transfer by bob, and a read by dave.
    /// </summary>
    private static async Task<string> CreateDatabaseAsync()
    {
        var live = PolicyLoader.LoadFile(CliRunner.Example("policy.yaml")).Policy!;
        var path = Path.Combine(Directory.CreateTempSubdirectory("stepup-cli-simulate-").FullName, "stepup.db");
        var clock = new FixedClock(SeedTime);
        var db = SqliteDatabase.Open($"Data Source={path}", clock);
        var drafts = new List<AuditEventDraft>();
        foreach (var amount in new[] { 500d, 9_999, 10_000, 15_000, 19_999, 20_000 })
        {
            drafts.Add(Decision(live, $"d-{amount}", Transfer("alice", amount), RiskSignals.None));
        }

        drafts.Add(Decision(live, "d-device", Transfer("bob", 50), new RiskSignals { NewDevice = true, Score = 40, Level = "medium" }));
        drafts.Add(Decision(live, "d-read", new DecisionInput { Subject = new SubjectInput { Id = "dave" }, Action = "records.read" }, RiskSignals.None));
        await using (var appender = new SqliteAuditAppender(db, clock))
        {
            await appender.AppendAsync(drafts, TestContext.Current.CancellationToken);
        }

        SqliteConnection.ClearAllPools();
        return path;
    }

    private static DecisionInput Transfer(string subject, double amount) => new()
    {
        Subject = new SubjectInput { Id = subject, SessionId = "s-" + subject },
        Action = "payments.transfer",
        Resource = new ResourceInput { Type = "transfer", Id = "t-1", Attributes = new Dictionary<string, CelValue> { ["amount"] = CelValue.FromDouble(amount) } },
        Context = new ContextInput { Ip = "198.51.100.7" },
    };

    private static AuditEventDraft Decision(CompiledPolicy live, string id, DecisionInput request, RiskSignals risk)
    {
        var input = new DecisionInput { Subject = request.Subject, Action = request.Action, Resource = request.Resource, Context = request.Context, Risk = risk, Now = SeedTime };
        var evaluation = PolicyEngine.Evaluate(live, input);
        var effect = EffectName(evaluation.Effect);
        var decision = new JsonObject
        {
            ["effect"] = effect,
            ["rules"] = new JsonArray([.. evaluation.AppliedRules.Select(r => (JsonNode?)r.Id)]),
            ["reasons"] = new JsonArray([.. evaluation.Reasons.Select(r => (JsonNode?)r)]),
        };
        if (evaluation.Effect == RuleEffect.StepUp)
        {
            decision["policy_effect"] = "step_up";
        }

        return new AuditEventDraft
        {
            Type = AuditEventTypes.DecisionEvaluated,
            Id = id,
            Payload = new JsonObject
            {
                ["outcome"] = effect,
                ["severity"] = "info",
                ["app"] = "default",
                ["subject"] = new JsonObject { ["id"] = request.Subject.Id },
                ["action"] = request.Action,
                ["decision"] = decision,
                ["risk"] = new JsonObject { ["score"] = risk.Score, ["level"] = risk.Level, ["new_device"] = risk.NewDevice },
                ["input"] = DecisionInputJson.ToJson(request),
                ["policy_version"] = live.Version,
            },
        };
    }

    private static string EffectName(RuleEffect effect) => effect switch { RuleEffect.Allow => "allow", RuleEffect.StepUp => "step_up", _ => "deny" };

    [Fact]
    public async Task Simulate_RaisedThreshold_PrintsTheReport_AndExits0()
    {
        var path = await CreateDatabaseAsync();
        var (exit, output, error) = CliRunner.Run("policy", "simulate", RaisedThreshold(), "--since", "2d", "--database", path);

        Assert.True(exit == 0, error);
        Assert.Equal(string.Empty, error);
        Assert.Contains("Decisions replayed: 8; changed: 3 (37.5%)", output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  step_up -> allow\s+3$", output);
        Assert.Matches(@"(?m)^  large-transfer\s+step_up\s+5\s+2\s+3$", output);
        Assert.Matches(@"(?m)^  payments\.transfer\s+7\s+3\s+71\.4%\s+28\.6%$", output);
        foreach (var id in new[] { "d-10000", "d-15000", "d-19999" })
        {
            Assert.Matches($@"(?m)^  {id}\s+\S+\s+alice\s+payments\.transfer\s+step_up -> allow\s+large-transfer\s+-$", output);
        }

        Assert.DoesNotContain("d-20000 ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("d-device", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_Json_PrintsTheApiDocument()
    {
        var path = await CreateDatabaseAsync();
        var (exit, output, error) = CliRunner.Run("policy", "simulate", RaisedThreshold(), "--database", path, "--json");

        Assert.True(exit == 0, error);
        var report = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(8, report["decisions"]!.GetValue<long>());
        Assert.Equal(3, report["changed"]!.GetValue<long>());
        Assert.Equal(3, report["transitions"]!["step_up->allow"]!.GetValue<long>());
        Assert.Equal(0, report["transitions"]!["allow->step_up"]!.GetValue<long>());
        Assert.Equal(["d-10000", "d-15000", "d-19999"], report["changes"]!.AsArray().Select(c => c!["decision_id"]!.GetValue<string>()));
        var transfer = report["by_action"]!.AsArray().Single(a => a!["action"]!.GetValue<string>() == "payments.transfer")!;
        Assert.Equal((7L, 5L, 2L), (transfer["decisions"]!.GetValue<long>(), transfer["step_up_before"]!.GetValue<long>(), transfer["step_up_after"]!.GetValue<long>()));
        Assert.Equal("alice", report["top_subjects"]![1]!["subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task Simulate_ErasedPayloads_AreSkipped_NotFatal()
    {
        var path = await CreateDatabaseAsync();
        Assert.Equal(0, CliRunner.Run("audit", "erase", "--subject", "alice", "--database", path).Exit);

        var (exit, output, error) = CliRunner.Run("policy", "simulate", RaisedThreshold(), "--database", path, "--json");
        Assert.True(exit == 0, error);
        var report = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(2, report["decisions"]!.GetValue<long>());
        Assert.Equal(0, report["changed"]!.GetValue<long>());
        Assert.Equal(6, report["skip_reasons"]!["erased"]!.GetValue<long>());
    }

    [Fact]
    public async Task Simulate_WindowInTheFuture_ReplaysNothing()
    {
        var path = await CreateDatabaseAsync();
        var (exit, output, _) = CliRunner.Run("policy", "simulate", RaisedThreshold(), "--database", path, "--since", DateTimeOffset.UtcNow.AddDays(1).ToString("O"));
        Assert.Equal(0, exit);
        Assert.Contains("Decisions replayed: 0; changed: 0", output, StringComparison.Ordinal);
        Assert.Contains("No decision changes.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_InvalidPolicy_Exits1_WithEveryErrorAndPosition()
    {
        var path = await CreateDatabaseAsync();
        var policy = CliRunner.TempFile("version: 1\nrules:\n  - { id: a, effect: block }\n  - { id: b, effect: deny, when: \"nope.x\" }\n");
        var (exit, output, error) = CliRunner.Run("policy", "simulate", policy, "--database", path, "--json");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains($"{policy}:3:22: error: unknown effect 'block'", error, StringComparison.Ordinal);
        Assert.Contains($"{policy}:4:35: error:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_MissingOrUnreadableDatabase_Exits1()
    {
        var missing = Path.Combine(Path.GetTempPath(), "stepup-none-" + Guid.NewGuid().ToString("N"), "stepup.db");
        var (exit, _, error) = CliRunner.Run("policy", "simulate", RaisedThreshold(), "--database", missing);
        Assert.Equal(1, exit);
        Assert.Contains($"no database at {missing}", error, StringComparison.Ordinal);

        var garbage = CliRunner.TempFile(new string('x', 4096), ".db");
        (exit, _, error) = CliRunner.Run("policy", "simulate", RaisedThreshold(), "--database", garbage);
        Assert.Equal(1, exit);
        Assert.Contains($"cannot read the database {garbage}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--since", "last week")]
    [InlineData("--until", "soon")]
    [InlineData("--max-events", "0")]
    public async Task Simulate_BadArguments_Exit1(string option, string value)
    {
        var path = await CreateDatabaseAsync();
        var (exit, output, error) = CliRunner.Run("policy", "simulate", RaisedThreshold(), "--database", path, option, value);
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.NotEqual(string.Empty, error);
    }
}
