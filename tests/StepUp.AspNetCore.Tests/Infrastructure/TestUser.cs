namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>A signed-in user of the test app; each test makes its own so StepUp state never leaks between tests.</summary>
public sealed record TestUser(string Id, string Session, bool Frozen = false, string Amr = "pwd")
{
    public static TestUser New(string prefix = "u") =>
        new($"{prefix}-{Guid.NewGuid():N}"[..20], "s-" + Guid.NewGuid().ToString("N")[..12]);

    public TestUser InSession(string session) => this with { Session = session };
}
