using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Policy.Simulation;
using StepUp.Core.Risk;

namespace StepUp.Core.Tests.Policy.Simulation;

public class PolicySimulatorTests
{
    private const string Threshold = "resource.attributes.amount >= 10000 || risk.new_device";

    private static readonly double[] Amounts = [500, 9_999, 10_000, 12_500, 15_000, 19_999, 20_000, 50_000];

    private static CompiledPolicy RaisedThreshold()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml"));
        Assert.Contains(Threshold, text, StringComparison.Ordinal);
        return StoredDecisions.Load(text.Replace(Threshold, "resource.attributes.amount >= 20000 || risk.new_device", StringComparison.Ordinal));
    }

    private static StoredDecisions Transfers()
    {
        var log = new StoredDecisions(StoredDecisions.Example());
        for (var i = 0; i < Amounts.Length; i++)
        {
            log.Add($"d-{Amounts[i]}", StoredDecisions.Transfer(i % 2 == 0 ? "alice" : "bob", Amounts[i]));
        }

        log.Add("d-payee", StoredDecisions.Request("alice", "payments.payees.add"));
        log.Add("d-read", StoredDecisions.Request("carol", "records.read"));
        return log;
    }

    [Fact]
    public void Simulate_RaisedThreshold_ChangesExactlyTheTransfersFrom10000To19999_StepUpToAllow()
    {
        var log = Transfers();
        var report = new PolicySimulator(RaisedThreshold()).Run(log.Events);

        Assert.Equal(10, report.Decisions);
        Assert.Equal(4, report.Changed);
        Assert.Equal(0, report.Skipped);
        Assert.False(report.Truncated);
        Assert.Equal(4, report.Transitions[(RuleEffect.StepUp, RuleEffect.Allow)]);
        Assert.Equal(6, report.Transitions.Count);
        Assert.All(report.Transitions.Where(t => t.Key != (RuleEffect.StepUp, RuleEffect.Allow)), t => Assert.Equal(0, t.Value));
        Assert.Equal(["d-10000", "d-12500", "d-15000", "d-19999"], report.Changes.Select(c => c.DecisionId));
        Assert.All(report.Changes, c =>
        {
            Assert.Equal(RuleEffect.StepUp, c.Before);
            Assert.Equal(RuleEffect.Allow, c.After);
            Assert.Equal(["large-transfer"], c.RulesBefore);
            Assert.Empty(c.RulesAfter);
        });
        Assert.Equal(7, report.EffectsBefore[RuleEffect.StepUp]);
        Assert.Equal(3, report.EffectsAfter[RuleEffect.StepUp]);

        var rule = report.ByRule.Single(r => r.Rule == "large-transfer");
        Assert.Equal((6L, 2L, 4L), (rule.Before, rule.After, rule.Changed));
        Assert.Equal(RuleEffect.StepUp, rule.Effect);
        var payee = report.ByRule.Single(r => r.Rule == "payee-change");
        Assert.Equal((1L, 1L, 0L), (payee.Before, payee.After, payee.Changed));
        Assert.Equal(StoredDecisions.Example().Rules.Select(r => r.Id), report.ByRule.Select(r => r.Rule));

        var transfer = report.ByAction[0];
        Assert.Equal("payments.transfer", transfer.Action);
        Assert.Equal((8L, 4L, 6L, 2L), (transfer.Decisions, transfer.Changed, transfer.StepUpBefore, transfer.StepUpAfter));
        Assert.Equal(0.75, transfer.StepUpRateBefore);
        Assert.Equal(0.25, transfer.StepUpRateAfter);
        Assert.Equal(["payments.transfer", "payments.payees.add", "records.read"], report.ByAction.Select(a => a.Action));
    }

    [Fact]
    public void Simulate_SamePolicy_ChangesNothing()
    {
        var report = new PolicySimulator(StoredDecisions.Example()).Run(Transfers().Events);
        Assert.Equal(10, report.Decisions);
        Assert.Equal(0, report.Changed);
        Assert.Empty(report.Changes);
        Assert.All(report.Transitions.Values, count => Assert.Equal(0, count));
    }

    [Fact]
    public void Simulate_TopSubjectsAndPerSubjectRates_CountPromptsBeforeAndAfter()
    {
        var report = new PolicySimulator(RaisedThreshold()).Run(Transfers().Events);

        // alice: 500, 10000, 15000, 20000 and a payee change; bob: 9999, 12500, 19999, 50000; carol: one read.
        Assert.Collection(report.TopSubjects,
            s => Assert.Equal(("alice", 5L, 4L, 2L), (s.Subject, s.Decisions, s.PromptsBefore, s.PromptsAfter)),
            s => Assert.Equal(("bob", 4L, 3L, 1L), (s.Subject, s.Decisions, s.PromptsBefore, s.PromptsAfter)));
        Assert.Equal("default", report.TopSubjects[0].App);
        var rates = report.StepUpRatePerSubject;
        Assert.Equal(3, rates.Subjects);
        Assert.Equal(2, rates.PromptedBefore);
        Assert.Equal(2, rates.PromptedAfter);
        Assert.Equal(0.8, rates.Before.Max);
        Assert.Equal(0.75, rates.Before.P50);
        Assert.Equal(0.4, rates.After.Max);
        Assert.Equal(0.25, rates.After.P50);
        Assert.Equal((0 + 0.4 + 0.25) / 3, rates.After.Mean, 10);
    }

    [Fact]
    public void Simulate_TimeDependentRule_IsReplayedWithEachEventsTime()
    {
        var live = StoredDecisions.Load("version: 1\nrules:\n  - { id: big, actions: [payments.transfer], when: resource.attributes.amount >= 10000, effect: step_up }\n");
        var log = new StoredDecisions(live);
        var day = new DateTimeOffset(2026, 11, 18, 0, 0, 0, TimeSpan.Zero);
        foreach (var (id, at) in new[] { ("d-0300", day.AddHours(3)), ("d-0459", day.AddHours(4).AddMinutes(59)), ("d-0500", day.AddHours(5)), ("d-2300", day.AddHours(23)) })
        {
            log.Add(id, StoredDecisions.Transfer("alice", 2_000), at);
        }

        var nightRule = StoredDecisions.Load(live.Text + "  - { id: night, actions: [\"payments.**\"], when: time.hour < 5, effect: step_up }\n");
        var night = new PolicySimulator(nightRule).Run(log.Events);
        Assert.Equal(["d-0300", "d-0459"], night.Changes.Select(c => c.DecisionId));
        Assert.Equal(2, night.Transitions[(RuleEffect.Allow, RuleEffect.StepUp)]);
        Assert.Equal(["night"], night.Changes[0].RulesAfter);

        var deadline = StoredDecisions.Load(live.Text + "  - { id: from-four, when: 'now() >= timestamp(\"2026-11-18T04:00:00Z\")', effect: deny }\n");
        var denied = new PolicySimulator(deadline).Run(log.Events);
        Assert.Equal(["d-0459", "d-0500", "d-2300"], denied.Changes.Select(c => c.DecisionId));
        Assert.Equal(3, denied.Transitions[(RuleEffect.Allow, RuleEffect.Deny)]);
    }

    [Fact]
    public void Simulate_RiskValues_AreTheStoredOnes()
    {
        var live = StoredDecisions.Load("version: 1\nrules: []\n");
        var log = new StoredDecisions(live);
        log.Add("score-40", StoredDecisions.Request("alice", "records.read"), risk: new RiskSignals { Score = 40, Level = "medium" });
        log.Add("score-60", StoredDecisions.Request("alice", "records.read"), risk: new RiskSignals { Score = 60, Level = "medium" });
        log.Add("score-90", StoredDecisions.Request("bob", "records.read"), risk: new RiskSignals { Score = 90, Level = "high" });
        log.Add("device", StoredDecisions.Transfer("carol", 50), risk: new RiskSignals { NewDevice = true });
        log.Add("travel", StoredDecisions.Request("dave", "records.read"), risk: new RiskSignals { ImpossibleTravel = true, TravelSpeedKmh = 1234.5, Failures1h = 3 });

        var candidate = StoredDecisions.Load("""
            version: 1
            rules:
              - { id: score, when: risk.score >= 50, effect: step_up }
              - { id: high, when: risk.level == "high", effect: deny }
              - { id: device, actions: [payments.transfer], when: risk.new_device, effect: step_up }
              - { id: travel, when: risk.travel_speed_kmh > 1000.0 && risk.failures_1h == 3, effect: deny }
            """);
        var report = new PolicySimulator(candidate).Run(log.Events);

        Assert.Equal(5, report.Decisions);
        Assert.Equal(["score-60", "score-90", "device", "travel"], report.Changes.Select(c => c.DecisionId));
        Assert.Equal([RuleEffect.StepUp, RuleEffect.Deny, RuleEffect.StepUp, RuleEffect.Deny], report.Changes.Select(c => c.After));
        Assert.Equal(["score", "high"], report.Changes[1].RulesAfter);
    }

    [Fact]
    public void Simulate_GeoFromTheEvent_IsBoundAsContextGeo()
    {
        var log = new StoredDecisions(StoredDecisions.Load("version: 1\nrules: []\n"));
        log.Add("kp", StoredDecisions.Request("alice", "records.read"), geo: new Dictionary<string, CelValue> { ["country"] = CelValue.FromString("KP"), ["asn"] = CelValue.FromInt(64500) });
        log.Add("gb", StoredDecisions.Request("alice", "records.read"), geo: new Dictionary<string, CelValue> { ["country"] = CelValue.FromString("GB"), ["asn"] = CelValue.FromInt(64501) });
        log.Add("none", StoredDecisions.Request("alice", "records.read"));

        var candidate = StoredDecisions.Load("""
            version: 1
            rules:
              - { id: region, when: 'has(context.geo.country) && context.geo.country in ["KP"]', effect: deny }
              - { id: asn, when: 'has(context.geo.asn) && context.geo.asn in [64501]', effect: step_up }
            """);
        var report = new PolicySimulator(candidate).Run(log.Events);

        Assert.Equal(["kp", "gb"], report.Changes.Select(c => c.DecisionId));
        Assert.Equal([RuleEffect.Deny, RuleEffect.StepUp], report.Changes.Select(c => c.After));
    }

    [Fact]
    public void Simulate_StepUpSatisfiedByElevation_ComparesThePolicysEffect()
    {
        var log = new StoredDecisions(StoredDecisions.Example());
        var stored = log.Add("elevated", StoredDecisions.Transfer("alice", 12_000));
        var decision = stored.Payload["decision"]!.AsObject();
        decision["effect"] = "allow";
        decision["elevation_id"] = "el_1";
        stored.Payload["outcome"] = "allow";

        // An older event: no policy_effect, but the elevation that satisfied the step-up.
        var older = log.Add("older", StoredDecisions.Transfer("alice", 12_000));
        var olderDecision = older.Payload["decision"]!.AsObject();
        olderDecision.Remove("policy_effect");
        olderDecision.Remove("level");
        olderDecision["effect"] = "allow";
        olderDecision["elevation_id"] = "el_2";

        var same = new PolicySimulator(StoredDecisions.Example()).Run(log.Events);
        Assert.Equal(0, same.Changed);
        Assert.Equal(2, same.EffectsBefore[RuleEffect.StepUp]);

        var raised = new PolicySimulator(RaisedThreshold()).Run(log.Events);
        Assert.Equal(["elevated", "older"], raised.Changes.Select(c => c.DecisionId));
        Assert.All(raised.Changes, c => Assert.Equal((RuleEffect.StepUp, RuleEffect.Allow), (c.Before, c.After)));
    }

    [Fact]
    public void Simulate_BuiltInFactorRule_StillAsksForAStepUp()
    {
        var log = new StoredDecisions(StoredDecisions.Load("version: 1\nrules: []\n"));
        log.Add("enroll", new JsonObject
        {
            ["outcome"] = "step_up",
            ["app"] = "default",
            ["action"] = "factors.enroll",
            ["decision"] = new JsonObject
            {
                ["effect"] = "step_up", ["policy_effect"] = "step_up", ["level"] = "aal2", ["rules"] = new JsonArray(),
                ["reasons"] = new JsonArray("built-in: changing the factors of a subject that has one needs a fresh aal2"),
            },
            ["risk"] = StoredDecisions.Risk(RiskSignals.None),
            ["input"] = DecisionInputJson.ToJson(StoredDecisions.Request("alice", "factors.enroll")),
        });

        var report = new PolicySimulator(StoredDecisions.Load("version: 1\nrules:\n  - { id: anything, effect: allow }\n")).Run(log.Events);
        Assert.Equal(1, report.Decisions);
        Assert.Equal(0, report.Changed);
        Assert.Equal(1, report.EffectsAfter[RuleEffect.StepUp]);
    }

    [Fact]
    public void Simulate_EventsThatCannotBeRebuilt_AreSkippedWithReasons()
    {
        var log = new StoredDecisions(StoredDecisions.Example());
        log.Add("good", StoredDecisions.Transfer("alice", 12_000));
        log.AddRaw("erased", null, erased: true);
        log.AddRaw("not-json", "{\"outcome\": ");
        log.AddRaw("deep", "{\"outcome\":\"allow\",\"decision\":{\"effect\":\"allow\"},\"risk\":{},\"input\":{\"subject\":{\"id\":\"a\"},\"action\":\"x.y\",\"resource\":{\"attributes\":" +
            string.Concat(Enumerable.Repeat("{\"a\":", 20)) + "1" + new string('}', 20) + "}}}");
        Edit(log.Add("no-input", StoredDecisions.Transfer("alice", 1)), p => p.Remove("input"));
        Edit(log.Add("bad-action", StoredDecisions.Transfer("alice", 1)), p => p["input"]!["action"] = "not an action");
        Edit(log.Add("bad-geo", StoredDecisions.Transfer("alice", 1)), p => p["context"]!["geo"] = "GB");
        Edit(log.Add("bad-risk", StoredDecisions.Transfer("alice", 1)), p => p["risk"]!["score"] = "high");
        Edit(log.Add("no-risk", StoredDecisions.Transfer("alice", 1)), p => p.Remove("risk"));
        Edit(log.Add("bad-effect", StoredDecisions.Transfer("alice", 1)), p => { p["decision"]!["effect"] = "maybe"; p["outcome"] = "maybe"; });
        Edit(log.Add("locked", StoredDecisions.Transfer("alice", 1)), p => { p["decision"]!["effect"] = "deny"; p["decision"]!["reasons"]!.AsArray().Add("subject_locked"); });
        log.Add("other-type", new JsonObject { ["outcome"] = "success" }, type: "elevation.granted");

        var report = new PolicySimulator(RaisedThreshold()).Run(log.Events);

        Assert.Equal(1, report.Decisions);
        Assert.Equal(1, report.Changed);
        Assert.Equal(10, report.Skipped);
        Assert.Equal(new Dictionary<string, long>
        {
            ["erased"] = 1,
            ["invalid_input"] = 3,
            ["invalid_risk"] = 2,
            ["missing_input"] = 1,
            ["subject_locked"] = 1,
            ["unknown_effect"] = 1,
            ["unreadable_event"] = 1,
        }, report.SkipReasons);
    }

    private static void Edit(AuditEvent evt, Action<JsonObject> edit) => edit(evt.Payload);

    [Fact]
    public void Simulate_StopsAtMaxEvents_AndReportsProgress()
    {
        var log = Transfers();
        var progress = new List<PolicySimulationProgress>();
        var report = new PolicySimulator(RaisedThreshold(), new PolicySimulationOptions { MaxEvents = 5, ProgressEvery = 2, MaxChanges = 1 })
            .Run(log.Events, new SyncProgress(progress.Add));

        Assert.True(report.Truncated);
        Assert.Equal(5, report.Decisions);
        Assert.Equal(3, report.Changed); // 10000, 12500 and 15000 are among the first five
        Assert.Equal(["d-10000"], report.Changes.Select(c => c.DecisionId));
        Assert.True(report.ChangesTruncated);
        Assert.Equal([2L, 4L], progress.Select(p => p.Events));
        Assert.Equal(StoredDecisions.Morning, progress[^1].LastTime);

        var exact = new PolicySimulator(RaisedThreshold(), new PolicySimulationOptions { MaxEvents = 10 }).Run(log.Events);
        Assert.False(exact.Truncated);
        Assert.Equal(10, exact.Decisions);
    }

    [Fact]
    public void Simulate_KeepsOnlyDecisionsInsideTheWindow()
    {
        var log = new StoredDecisions(StoredDecisions.Example());
        var start = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        for (var day = 0; day < 5; day++)
        {
            log.Add($"day-{day}", StoredDecisions.Transfer("alice", 12_000), start.AddDays(day));
        }

        var report = new PolicySimulator(RaisedThreshold(), new PolicySimulationOptions { Since = start.AddDays(1), Until = start.AddDays(3) }).Run(log.Events);
        Assert.Equal(["day-1", "day-2"], report.Changes.Select(c => c.DecisionId));
        Assert.Equal(start.AddDays(1), report.FirstTime);
        Assert.Equal(start.AddDays(2), report.LastTime);
    }

    [Fact]
    public void Simulate_ManyActions_PoolsTheRestUnderOtherActions()
    {
        var log = new StoredDecisions(StoredDecisions.Load("version: 1\nrules: []\n"));
        for (var i = 0; i < 5; i++)
        {
            log.Add($"a{i}", StoredDecisions.Request("alice", $"records.read{i}"));
        }

        var report = new PolicySimulator(StoredDecisions.Load("version: 1\nrules:\n  - { id: all, effect: step_up }\n"), new PolicySimulationOptions { MaxActions = 2 }).Run(log.Events);
        Assert.Equal(3, report.ByAction.Count);
        Assert.Equal(3, report.ByAction.Single(a => a.Action == PolicySimulator.OtherActions).Decisions);
        Assert.Equal(5, report.Changed);
    }

    [Fact]
    public async Task RunAsync_ResumesAfterAnUnreadableRow()
    {
        var log = Transfers();
        var reads = new List<long>();
        async IAsyncEnumerable<AuditEvent> ReadAfter(long after)
        {
            reads.Add(after);
            foreach (var evt in log.Events.Where(e => e.Seq > after))
            {
                await Task.Yield();
                if (evt.Seq == 3)
                {
                    throw new AuditEventFormatException("bad row") { Seq = 3 };
                }

                yield return evt;
            }
        }

        var report = await new PolicySimulator(RaisedThreshold()).RunAsync(ReadAfter, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([0L, 3L], reads);
        Assert.Equal(9, report.Decisions);
        Assert.Equal(1, report.SkipReasons["unreadable_event"]);
        Assert.Equal(["d-12500", "d-15000", "d-19999"], report.Changes.Select(c => c.DecisionId));
        Assert.False(report.Truncated);
    }

    [Fact]
    public void ToJson_WritesTheDocumentedShape()
    {
        var report = new PolicySimulator(RaisedThreshold(), new PolicySimulationOptions { Since = StoredDecisions.Morning.AddDays(-7) }).Run(Transfers().Events);
        var json = PolicySimulationJson.ToJson(report);

        Assert.Equal(10, json["decisions"]!.GetValue<long>());
        Assert.Equal(4, json["changed"]!.GetValue<long>());
        Assert.Equal("2026-11-11T10:00:00.000Z", json["since"]!.GetValue<string>());
        Assert.False(json.ContainsKey("until"));
        var transitions = json["transitions"]!.AsObject();
        Assert.Equal(["step_up->allow", "allow->step_up", "allow->deny", "step_up->deny", "deny->allow", "deny->step_up"], transitions.Select(t => t.Key));
        Assert.Equal(4, transitions["step_up->allow"]!.GetValue<long>());
        var rule = json["by_rule"]!.AsArray().Single(r => r!["rule"]!.GetValue<string>() == "large-transfer")!;
        Assert.Equal("step_up", rule["effect"]!.GetValue<string>());
        Assert.True(rule["in_candidate"]!.GetValue<bool>());
        var action = json["by_action"]![0]!;
        Assert.Equal(0.75, action["step_up_rate_before"]!.GetValue<double>());
        Assert.Equal(0.25, action["step_up_rate_after"]!.GetValue<double>());
        Assert.Equal("alice", json["top_subjects"]![0]!["subject"]!.GetValue<string>());
        Assert.Equal(0.8, json["step_up_rate_per_subject"]!["before"]!["max"]!.GetValue<double>());
        var change = json["changes"]![0]!;
        Assert.Equal("d-10000", change["decision_id"]!.GetValue<string>());
        Assert.Equal("step_up", change["before"]!.GetValue<string>());
        Assert.Equal("allow", change["after"]!.GetValue<string>());
        Assert.Equal("2026-11-18T10:00:00.000Z", change["time"]!.GetValue<string>());
        Assert.False(json["changes_truncated"]!.GetValue<bool>());
        Assert.Empty(json["diagnostics"]!.AsArray());
    }

    private sealed class SyncProgress(Action<PolicySimulationProgress> report) : IProgress<PolicySimulationProgress>
    {
        public void Report(PolicySimulationProgress value) => report(value);
    }
}
