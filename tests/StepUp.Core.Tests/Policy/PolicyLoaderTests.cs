using StepUp.Core.Policy;

namespace StepUp.Core.Tests.Policy;

public class PolicyLoaderTests
{
    private static PolicyLoadResult Load(string yaml) => PolicyLoader.Load(yaml, "p.yaml");

    private static PolicyDiagnostic SingleError(string yaml)
    {
        var result = Load(yaml);
        Assert.False(result.Success);
        return Assert.Single(result.Errors);
    }

    private static void AssertError(string yaml, int line, int column, string fragment)
    {
        var error = SingleError(yaml);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal("p.yaml", error.File);
    }

    [Fact]
    public void Load_ExamplePolicy_Succeeds()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml");
        var result = PolicyLoader.LoadFile(path, new PolicyLoadOptions { GeoAvailable = true, AnonymousIpAvailable = true });
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.True(result.Policy!.Rules.Count >= 10);
        Assert.Equal(64, result.Policy.Version.Length);
        Assert.Empty(result.Policy.Warnings);
    }

    [Fact]
    public void Load_MinimalPolicy_UsesDefaults()
    {
        var result = Load("version: 1\nrules: []\n");
        Assert.True(result.Success);
        var policy = result.Policy!;
        Assert.Equal(RuleEffect.Allow, policy.Defaults.Decision);
        Assert.Equal(TimeSpan.FromMinutes(15), policy.Defaults.MaxAge);
        Assert.Equal(TimeSpan.FromMinutes(5), policy.Defaults.ChallengeTtl);
        Assert.Equal(5, policy.Defaults.MaxAttempts);
        Assert.Equal(10, policy.Lockout.Threshold);
        Assert.Equal(StepUpMethods.WebAuthn | StepUpMethods.Totp | StepUpMethods.RecoveryCode, policy.Levels[AssuranceLevel.Aal2].Methods);
        Assert.True(policy.Levels[AssuranceLevel.Aal3].DeviceBound);
        Assert.Equal(6, policy.Alerts.Count);
    }

    [Fact]
    public void Load_Version_IsHashOfText()
    {
        var a = Load("version: 1\nrules: []\n").Policy!;
        var b = Load("version: 1\nrules: []\n# comment\n").Policy!;
        Assert.NotEqual(a.Version, b.Version);
    }

    [Fact]
    public void Load_InvalidYaml_ReportsPosition()
    {
        var error = SingleError("version: 1\nrules: [\n  - id: x\n");
        Assert.StartsWith("invalid YAML", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 2);
    }

    [Fact]
    public void Load_RootNotMapping_IsError() => AssertError("- a\n- b\n", 1, 1, "must be a mapping");

    [Fact]
    public void Load_MissingVersion_IsError() => AssertError("rules: []\n", 1, 1, "missing 'version: 1'");

    [Fact]
    public void Load_WrongVersion_IsError() => AssertError("version: 2\nrules: []\n", 1, 10, "unsupported policy version");

    [Fact]
    public void Load_UnknownTopLevelKey_IsError() => AssertError("version: 1\nrulez: []\n", 2, 1, "unknown key 'rulez'");

    [Fact]
    public void Load_DefaultsDecisionInvalid_IsError() =>
        AssertError("version: 1\ndefaults: { decision: maybe }\n", 2, 23, "defaults.decision must be 'allow' or 'deny'");

    [Fact]
    public void Load_BadDuration_IsError() =>
        AssertError("version: 1\ndefaults:\n  max_age: 5 minutes\n", 3, 12, "not a positive duration");

    [Fact]
    public void Load_MaxAttemptsOutOfRange_IsError() =>
        AssertError("version: 1\ndefaults:\n  max_attempts: 0\n", 3, 17, "between 1 and 100");

    [Fact]
    public void Load_UnknownLevel_IsError() =>
        AssertError("version: 1\nlevels:\n  aal9: { methods: [totp] }\n", 3, 3, "unknown level 'aal9'");

    [Fact]
    public void Load_Aal3WithTotp_IsError() =>
        AssertError("version: 1\nlevels:\n  aal3: { methods: [webauthn, totp] }\n", 3, 20, "aal3 can only be met by webauthn");

    [Fact]
    public void Load_UnknownMethod_IsError() =>
        AssertError("version: 1\nlevels:\n  aal2: { methods: [sms] }\n", 3, 21, "unknown method 'sms'");

    [Fact]
    public void Load_BadUserVerification_IsError() =>
        AssertError("version: 1\nlevels:\n  aal3: { user_verification: always }\n", 3, 30, "user_verification must be");

    [Fact]
    public void Load_ListNotASequence_IsError() =>
        AssertError("version: 1\nlists:\n  offices: 10.0.0.0/8\n", 3, 12, "lists.offices must be a list");

    [Fact]
    public void Load_BadListName_IsError() =>
        AssertError("version: 1\nlists:\n  bad-name: [a]\n", 3, 3, "must be an identifier");

    [Fact]
    public void Load_RuleWithoutId_IsError() =>
        AssertError("version: 1\nrules:\n  - effect: deny\n", 3, 5, "a rule needs an 'id'");

    [Fact]
    public void Load_DuplicateRuleId_IsError() =>
        AssertError("version: 1\nrules:\n  - { id: a, effect: deny }\n  - { id: a, effect: deny }\n", 4, 11, "duplicate rule id 'a'");

    [Fact]
    public void Load_UnknownEffect_IsError() =>
        AssertError("version: 1\nrules:\n  - { id: a, effect: block }\n", 3, 22, "unknown effect 'block'");

    [Fact]
    public void Load_MissingEffect_IsError() =>
        AssertError("version: 1\nrules:\n  - { id: a }\n", 3, 5, "needs an 'effect'");

    [Fact]
    public void Load_UnknownRuleKey_IsError() =>
        AssertError("version: 1\nrules:\n  - { id: a, effect: deny, wen: x }\n", 3, 28, "unknown key 'wen' in rule");

    [Fact]
    public void Load_StepUpLevelUnknown_IsError() =>
        AssertError("version: 1\nrules:\n  - { id: a, effect: step_up, level: aal5 }\n", 3, 38, "unknown step-up level 'aal5'");

    [Fact]
    public void Load_MethodsThatCannotReachLevel_IsError() =>
        AssertError("version: 1\nrules:\n  - { id: a, effect: step_up, level: aal3, methods: [totp] }\n", 3, 53, "cannot reach aal3");

    [Fact]
    public void Load_StepUpFieldsOnDenyRule_IsError() =>
        AssertError("version: 1\nrules:\n  - { id: a, effect: deny, max_age: 5m }\n", 3, 37, "'max_age' only applies to step_up rules");

    [Fact]
    public void Load_BadBind_IsError() =>
        AssertError("version: 1\nrules:\n  - { id: a, effect: step_up, bind: session }\n", 3, 37, "bind must be 'resource' or 'none'");

    [Fact]
    public void Load_BadActionGlob_IsError() =>
        AssertError("version: 1\nrules:\n  - { id: a, effect: deny, actions: [\"pay*\"] }\n", 3, 38, "must be whole segments");

    [Fact]
    public void Load_EmptyActions_IsError() =>
        AssertError("version: 1\nrules:\n  - { id: a, effect: deny, actions: [] }\n", 3, 37, "at least one pattern");

    [Fact]
    public void Load_ConditionError_InPlainScalar_MapsToFileColumn()
    {
        var error = SingleError("version: 1\nrules:\n  - id: a\n    effect: deny\n    when: risk.score >= 70 && nope.x\n");
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
        Assert.Equal((5, 31), (error.Line, error.Column));
    }

    [Fact]
    public void Load_ConditionError_InQuotedScalar_MapsToFileColumn()
    {
        var error = SingleError("version: 1\nrules:\n  - id: a\n    effect: deny\n    when: \"nope\"\n");
        Assert.Equal((5, 12), (error.Line, error.Column));
    }

    [Fact]
    public void Load_ConditionError_InBlockScalar_MapsToFileLine()
    {
        var error = SingleError("version: 1\nrules:\n  - id: a\n    effect: deny\n    when: |\n      risk.score >= 70 &&\n      nope\n");
        Assert.Equal((7, 7), (error.Line, error.Column));
    }

    [Fact]
    public void Load_BadRoute_IsError()
    {
        var result = Load("version: 1\nroutes:\n  - { method: FETCH, path: api, action: \"x..y\" }\n");
        var errors = result.Errors.ToList();
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Message.Contains("unknown HTTP method 'FETCH'", StringComparison.Ordinal) && e.Column == 15);
        Assert.Contains(errors, e => e.Message.Contains("starting with '/'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("needs an 'action'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_LockoutBackoffInverted_IsError() =>
        AssertError("version: 1\nlockout: { backoff_min: 1h, backoff_max: 1m }\n", 2, 10, "must not be shorter");

    [Fact]
    public void Load_UnknownDetector_IsError() =>
        AssertError("version: 1\nalerts:\n  brute_force: { threshold: 5 }\n", 3, 3, "unknown detector 'brute_force'");

    [Fact]
    public void Load_DetectorBadThreshold_IsError() =>
        AssertError("version: 1\nalerts:\n  ip_failures: { threshold: lots }\n", 3, 29, "alerts.ip_failures.threshold");

    [Fact]
    public void Load_ReportsEveryErrorAtOnce()
    {
        var yaml = """
            version: 1
            defaults: { decision: maybe }
            rules:
              - { id: a, effect: block }
              - { id: b, effect: deny, when: "risk.scor > 1" }
              - { id: c, effect: step_up, level: aal7 }
            """;
        var result = Load(yaml);
        Assert.False(result.Success);
        var lines = result.Errors.Select(e => e.Line).ToList();
        Assert.Equal([2, 4, 5, 6], lines);
    }

    [Fact]
    public void Load_RuleConditionReferencesList()
    {
        var result = Load("version: 1\nlists:\n  c: [KP]\nrules:\n  - { id: a, effect: deny, when: \"has(context.geo.country) && context.geo.country in lists.c\" }\n");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Load_UnknownList_IsError()
    {
        var error = SingleError("version: 1\nrules:\n  - { id: a, effect: deny, when: \"'x' in lists.nope\" }\n");
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Load_GeoWithoutHas_IsWarningNotError()
    {
        var result = PolicyLoader.Load("version: 1\nrules:\n  - { id: a, effect: deny, when: \"context.geo.country == 'KP'\" }\n", "p.yaml", new PolicyLoadOptions { GeoAvailable = true });
        Assert.True(result.Success);
        var warning = Assert.Single(result.Diagnostics);
        Assert.True(warning.IsWarning);
        Assert.Contains("has()", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_MissingFile_IsError()
    {
        var result = PolicyLoader.LoadFile(Path.Combine(Path.GetTempPath(), "does-not-exist-" + Guid.NewGuid() + ".yaml"));
        Assert.False(result.Success);
        Assert.Contains("cannot read policy file", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }
}
