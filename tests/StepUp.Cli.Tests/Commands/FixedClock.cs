namespace StepUp.Cli.Tests.Commands;

/// <summary>A clock that always reads <paramref name="now"/>, so seeded events do not depend on the hour the suite runs.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
