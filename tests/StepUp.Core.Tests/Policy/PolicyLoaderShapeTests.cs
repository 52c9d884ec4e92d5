using StepUp.Core.Policy;

namespace StepUp.Core.Tests.Policy;

/// <summary>Every "wrong shape" error of the loader, with its position.</summary>
public class PolicyLoaderShapeTests
{
    public static TheoryData<string, int, int, string> Cases => new()
    {
        { "version: 1\ndefaults: [allow]\n", 2, 11, "defaults must be a mapping" },
        { "version: 1\nlevels: aal2\n", 2, 9, "levels must be a mapping" },
        { "version: 1\nlevels:\n  aal2: [totp]\n", 3, 9, "levels.aal2 must be a mapping" },
        { "version: 1\nlevels:\n  aal2: { methods: [totp], foo: 1 }\n", 3, 28, "unknown key 'foo' in levels.aal2" },
        { "version: 1\nlevels:\n  aal2: { methods: [] }\n", 3, 20, "must name at least one method" },
        { "version: 1\nlevels:\n  aal1: { methods: [totp] }\n", 3, 3, "unknown level 'aal1'" },
        { "version: 1\nlevels:\n  aal3: { device_bound: yes }\n", 3, 25, "is not true or false" },
        { "version: 1\nlists: [a]\n", 2, 8, "lists must be a mapping" },
        { "version: 1\nlists:\n  a: [[x]]\n", 3, 7, "lists.a item must be a string" },
        { "version: 1\nrules: {}\n", 2, 8, "rules must be a list" },
        { "version: 1\nrules:\n  - deny\n", 3, 5, "a rule must be a mapping" },
        { "version: 1\nrules:\n  - { id: [x], effect: deny }\n", 3, 11, "rule id must be a string" },
        { "version: 1\nrules:\n  - { id: \"bad id!\", effect: deny }\n", 3, 11, "a rule needs an 'id'" },
        { "version: 1\nrules:\n  - { id: a, effect: deny, when: [x] }\n", 3, 34, "'when' must be a condition string" },
        { "version: 1\nrules:\n  - { id: a, effect: deny, when: \"\" }\n", 3, 34, "'when' must be a condition string" },
        { "version: 1\nrules:\n  - { id: a, effect: deny, actions: { a: b } }\n", 3, 37, "actions must be a list" },
        { "version: 1\nrules:\n  - { id: a, effect: step_up, once: maybe }\n", 3, 37, "once: 'maybe' is not true or false" },
        { "version: 1\nrules:\n  - { id: a, effect: step_up, max_age: 0s }\n", 3, 40, "not a positive duration" },
        { "version: 1\nrules:\n  - { id: a, effect: step_up, methods: totp }\n", 3, 40, "methods must be a list" },
        { "version: 1\nroutes: { path: /x }\n", 2, 9, "routes must be a list" },
        { "version: 1\nroutes:\n  - /x\n", 3, 5, "a route must be a mapping" },
        { "version: 1\nroutes:\n  - { path: /x, action: a.b, verb: GET }\n", 3, 30, "unknown key 'verb' in route" },
        { "version: 1\nlockout: 10\n", 2, 10, "lockout must be a mapping" },
        { "version: 1\nlockout: { threshold: 0 }\n", 2, 23, "lockout.threshold" },
        { "version: 1\nlockout: { limit: 5 }\n", 2, 12, "unknown key 'limit' in lockout" },
        { "version: 1\nalerts: [x]\n", 2, 9, "alerts must be a mapping" },
        { "version: 1\nalerts:\n  ip_failures: 20\n", 3, 16, "alerts.ip_failures must be a mapping" },
        { "version: 1\nalerts:\n  ip_failures: { factor: -1 }\n", 3, 26, "is not a positive number" },
        { "version: 1\nalerts:\n  ip_failures: { level: 1 }\n", 3, 18, "unknown key 'level' in alerts.ip_failures" },
        { "version: 1\ndefaults: { challenge_ttl: forever }\n", 2, 28, "defaults.challenge_ttl" },
        { "version: 1\n---\nversion: 1\n", 1, 1, "exactly one YAML document" },
        { "version: 1\nversion: 1\n", 2, 1, "invalid YAML" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_WrongShape_ReportsErrorAtPosition(string yaml, int line, int column, string fragment)
    {
        var result = PolicyLoader.Load(yaml, "p.yaml");
        Assert.False(result.Success);
        var error = Assert.Single(result.Errors);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
    }
}
