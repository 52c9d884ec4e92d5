namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>
/// examples/policy.yaml plus two rules for these tests: <c>test.bound</c> (aal2, 10 min, bound to the
/// resource, not once: a token the library may accept locally) and <c>test.short</c> (aal2,
/// <c>max_age: 1s</c>: a token that expires while the test waits).
/// </summary>
public static class TestPolicy
{
    private const string ExtraRules = """
          - id: test-bound
            actions: [test.bound]
            effect: step_up
            level: aal2
            max_age: 10m
            bind: resource
          - id: test-short
            actions: [test.short]
            effect: step_up
            level: aal2
            max_age: 1s

        """;

    public static string Yaml()
    {
        var example = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml"));
        var routes = example.IndexOf("\nroutes:", StringComparison.Ordinal);
        if (routes < 0)
        {
            throw new InvalidOperationException("examples/policy.yaml has no top-level 'routes:' to insert the test rules before");
        }

        return example[..(routes + 1)] + ExtraRules + example[(routes + 1)..];
    }
}
