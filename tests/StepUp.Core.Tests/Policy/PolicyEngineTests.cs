using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;

namespace StepUp.Core.Tests.Policy;

public class PolicyEngineTests
{
    private static CompiledPolicy Policy(string rules, string defaults = "allow")
    {
        var result = PolicyLoader.Load($"version: 1\ndefaults: {{ decision: {defaults}, max_age: 15m }}\nrules:\n{rules}", "p.yaml");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Policy!;
    }

    private static DecisionInput Input(string action = "payments.transfer", double amount = 50, long score = 0, string? ip = "81.2.69.142") => new()
    {
        Subject = new SubjectInput { Id = "alice", SessionId = "s-1" },
        Action = action,
        Resource = new ResourceInput { Type = "transfer", Id = "t-1", Attributes = new Dictionary<string, CelValue> { ["amount"] = CelValue.FromDouble(amount) } },
        Context = new ContextInput { Ip = ip },
        Risk = new RiskSignals { Score = score },
        Now = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Evaluate_NoRuleApplies_UsesDefaultDecision()
    {
        Assert.Equal(RuleEffect.Allow, PolicyEngine.Evaluate(Policy("  []\n"), Input()).Effect);
        Assert.Equal(RuleEffect.Deny, PolicyEngine.Evaluate(Policy("  - { id: a, effect: deny, actions: [x.y] }\n", "deny"), Input()).Effect);
    }

    [Fact]
    public void Evaluate_AllowRule_OverridesDenyDefault()
    {
        var policy = Policy("  - { id: ok, effect: allow, actions: [payments.*] }\n", "deny");
        var result = PolicyEngine.Evaluate(policy, Input());
        Assert.Equal(RuleEffect.Allow, result.Effect);
        Assert.Equal(["ok"], result.AppliedRules.Select(r => r.Id));
    }

    [Fact]
    public void Evaluate_DenyBeatsStepUpAndAllow_InAnyOrder()
    {
        const string allow = "  - { id: a, effect: allow }\n";
        const string stepUp = "  - { id: s, effect: step_up, level: aal2 }\n";
        const string deny = "  - { id: d, effect: deny }\n";
        foreach (var order in new[] { allow + stepUp + deny, deny + stepUp + allow, stepUp + deny + allow })
        {
            var result = PolicyEngine.Evaluate(Policy(order), Input());
            Assert.Equal(RuleEffect.Deny, result.Effect);
            Assert.Equal(["a", "d", "s"], result.AppliedRules.Select(r => r.Id).Order());
        }
    }

    [Fact]
    public void Evaluate_StepUpBeatsAllow()
    {
        var result = PolicyEngine.Evaluate(Policy("  - { id: a, effect: allow }\n  - { id: s, effect: step_up }\n"), Input());
        Assert.Equal(RuleEffect.StepUp, result.Effect);
    }

    [Fact]
    public void Evaluate_CombinesStepUps_HighestLevelSmallestMaxAgeIntersectionBindOnce()
    {
        var policy = Policy("""
              - { id: one, effect: step_up, level: aal2, max_age: 10m, methods: [totp, webauthn], bind: resource }
              - { id: two, effect: step_up, level: aal3, max_age: 20m }
              - { id: three, effect: step_up, level: aal2, max_age: 5m, once: true }
            """ + "\n");
        var result = PolicyEngine.Evaluate(policy, Input());
        Assert.Equal(RuleEffect.StepUp, result.Effect);
        Assert.Equal(AssuranceLevel.Aal3, result.Level);
        Assert.Equal(StepUpMethods.WebAuthn, result.Methods);
        Assert.Equal(TimeSpan.FromMinutes(5), result.MaxAge);
        Assert.True(result.BindResource);
        Assert.True(result.Once);
    }

    [Fact]
    public void Evaluate_StepUpWithoutMaxAge_UsesDefaultMaxAge()
    {
        var result = PolicyEngine.Evaluate(Policy("  - { id: s, effect: step_up }\n"), Input());
        Assert.Equal(TimeSpan.FromMinutes(15), result.MaxAge);
        Assert.Equal(AssuranceLevel.Aal2, result.Level);
        Assert.False(result.BindResource);
        Assert.False(result.Once);
    }

    [Fact]
    public void Evaluate_DisjointMethods_DeniesWithNoMethod()
    {
        var policy = Policy("  - { id: a, effect: step_up, methods: [totp] }\n  - { id: b, effect: step_up, methods: [webauthn] }\n");
        var result = PolicyEngine.Evaluate(policy, Input());
        Assert.Equal(RuleEffect.Deny, result.Effect);
        Assert.Equal(PolicyEngine.NoMethodReason, result.DenyReason);
        Assert.Contains(PolicyEngine.NoMethodReason, result.Reasons);
    }

    [Fact]
    public void Evaluate_ActionGlobsSelectRules()
    {
        var policy = Policy("  - { id: admin, effect: step_up, level: aal3, actions: [\"admin.**\"] }\n  - { id: pay, effect: step_up, actions: [payments.*] }\n");
        Assert.Equal(["admin"], PolicyEngine.Evaluate(policy, Input("admin.users.role.update")).AppliedRules.Select(r => r.Id));
        Assert.Equal(["pay"], PolicyEngine.Evaluate(policy, Input("payments.transfer")).AppliedRules.Select(r => r.Id));
        Assert.Equal(RuleEffect.Allow, PolicyEngine.Evaluate(policy, Input("records.read")).Effect);
    }

    [Fact]
    public void Evaluate_ConditionSelectsRules()
    {
        var policy = Policy("  - { id: big, effect: step_up, when: \"resource.attributes.amount >= 10000\" }\n");
        Assert.Equal(RuleEffect.Allow, PolicyEngine.Evaluate(policy, Input(amount: 9999)).Effect);
        var result = PolicyEngine.Evaluate(policy, Input(amount: 10000));
        Assert.Equal(RuleEffect.StepUp, result.Effect);
        Assert.Equal(["big: resource.attributes.amount >= 10000"], result.Reasons);
    }

    [Theory]
    [InlineData("deny", RuleEffect.Deny)]
    [InlineData("step_up", RuleEffect.StepUp)]
    public void Evaluate_ConditionError_AppliesStrictRule_FailClosed(string effect, RuleEffect expected)
    {
        var policy = Policy($"  - {{ id: r, effect: {effect}, when: \"context.device_id == 'd-1'\" }}\n");
        var result = PolicyEngine.Evaluate(policy, Input());
        Assert.Equal(expected, result.Effect);
        Assert.True(result.HasErrors);
        Assert.Contains("device_id", Assert.Single(result.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ConditionError_NeverAppliesAllowRule()
    {
        var policy = Policy("  - { id: r, effect: allow, when: \"context.device_id == 'd-1'\" }\n", "deny");
        var result = PolicyEngine.Evaluate(policy, Input());
        Assert.Equal(RuleEffect.Deny, result.Effect);
        Assert.Empty(result.AppliedRules);
    }

    [Fact]
    public void Evaluate_ErrorAbsorbedByOr_DoesNotApply()
    {
        var policy = Policy("  - { id: r, effect: deny, when: \"context.device_id == 'x' && false\" }\n");
        var result = PolicyEngine.Evaluate(policy, Input());
        Assert.Equal(RuleEffect.Allow, result.Effect);
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void Evaluate_IsOrderIndependent()
    {
        var rules = new[]
        {
            "  - { id: a, effect: step_up, level: aal2, max_age: 10m, when: \"risk.score >= 50\" }\n",
            "  - { id: b, effect: step_up, level: aal3, max_age: 30m, actions: [payments.*] }\n",
            "  - { id: c, effect: allow }\n",
            "  - { id: d, effect: deny, when: \"resource.attributes.amount > 1000000\" }\n",
        };
        var inputs = new[] { Input(score: 10), Input(score: 90), Input(amount: 2_000_000), Input("records.read", score: 60) };
        var forward = Policy(string.Concat(rules));
        var backward = Policy(string.Concat(rules.Reverse()));
        foreach (var input in inputs)
        {
            var x = PolicyEngine.Evaluate(forward, input);
            var y = PolicyEngine.Evaluate(backward, input);
            Assert.Equal(x.Effect, y.Effect);
            Assert.Equal(x.Level, y.Level);
            Assert.Equal(x.MaxAge, y.MaxAge);
            Assert.Equal(x.AppliedRules.Select(r => r.Id).Order(), y.AppliedRules.Select(r => r.Id).Order());
        }
    }

    [Fact]
    public void Evaluate_MoreThan64Rules_TracksEveryAppliedRule()
    {
        var rules = string.Concat(Enumerable.Range(0, 130).Select(i => $"  - {{ id: r{i}, effect: {(i % 2 == 0 ? "allow" : "step_up")} }}\n"));
        var result = PolicyEngine.Evaluate(Policy(rules), Input());
        Assert.Equal(130, result.AppliedRules.Count);
        Assert.True(result.Applied(129));
    }

    [Fact]
    public void Explain_NamesWhyEachRuleDidOrDidNotApply()
    {
        var policy = Policy("  - { id: big, effect: step_up, when: \"resource.attributes.amount >= 10000\" }\n  - { id: other, effect: deny, actions: [x.y] }\n");
        var (evaluation, traces) = PolicyExplainer.Explain(policy, Input(amount: 20000));
        Assert.Equal(RuleEffect.StepUp, evaluation.Effect);
        Assert.Equal("true", traces[0].ConditionResult);
        Assert.True(traces[0].Applied);
        Assert.False(traces[1].ActionMatched);
        Assert.False(traces[1].Applied);
    }
}
