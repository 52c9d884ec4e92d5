namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>Counts how often a protected endpoint actually ran.</summary>
public sealed class EndpointHits
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Hit() => Interlocked.Increment(ref _count);
}
