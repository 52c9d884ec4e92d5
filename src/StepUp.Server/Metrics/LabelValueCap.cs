using System.Collections.Concurrent;

namespace StepUp.Server.Metrics;

/// <summary>
/// Bounds the distinct values of a label whose values come from requests: the first
/// <c>limit</c> distinct values pass through, every later one becomes <see cref="Other"/>, so a
/// caller inventing action names cannot grow <c>/metrics</c> (and Prometheus) without bound.
/// </summary>
internal sealed class LabelValueCap(int limit)
{
    /// <summary>The value that stands for every value past the limit.</summary>
    public const string Other = "other";

    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Distinct values admitted so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary><paramref name="value"/> if it is admitted (or already was), else <see cref="Other"/>.</summary>
    public string Apply(string value)
    {
        if (_seen.ContainsKey(value))
        {
            return value;
        }

        // Reserve a slot first, so racing callers can never admit more than the limit.
        if (Interlocked.Increment(ref _count) > limit)
        {
            Interlocked.Decrement(ref _count);
            return Other;
        }

        if (!_seen.TryAdd(value, 0))
        {
            Interlocked.Decrement(ref _count); // another caller admitted the same value
        }

        return value;
    }
}
