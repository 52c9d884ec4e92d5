using System.Diagnostics.CodeAnalysis;
using StepUp.Core.Audit;

namespace StepUp.Core.Reports;

/// <summary>
/// A reproducible random sample of audit events drawn in one pass without holding the population
/// (reservoir sampling, Algorithm R, with <see cref="Random"/> seeded by the printed seed): the same
/// seed and the same events in the same order give the same sample. Holds at most its size in events.
/// </summary>
[SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "An auditor must reproduce the sample from the printed seed; it protects nothing.")]
public sealed class EvidenceSample
{
    /// <summary>The largest sample a report shows.</summary>
    public const int DefaultSize = 10;

    private readonly Random _random;
    private readonly AuditEvent[] _reservoir;
    private long _seen;

    /// <summary>An empty sample of up to <paramref name="size"/> events drawn with <paramref name="seed"/>.</summary>
    public EvidenceSample(int seed, int size = DefaultSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        _random = new Random(seed);
        _reservoir = new AuditEvent[size];
    }

    /// <summary>Events offered so far (the population size).</summary>
    public long Population => _seen;

    /// <summary>
    /// Offers the next event of the population: the first <c>size</c> are kept, then the n-th (counting
    /// from 1) replaces a random kept event with probability size/n, so every event is equally likely to end up in the sample.
    /// </summary>
    public void Add(AuditEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (_seen < _reservoir.Length)
        {
            _reservoir[_seen] = evt;
        }
        else if (_reservoir.Length > 0)
        {
            var slot = _random.NextInt64(_seen + 1);
            if (slot < _reservoir.Length)
            {
                _reservoir[slot] = evt;
            }
        }

        _seen++;
    }

    /// <summary>The sampled events, in seq order.</summary>
    public IReadOnlyList<AuditEvent> ToList() => _reservoir.Take((int)Math.Min(_seen, _reservoir.Length)).OrderBy(e => e.Seq).ToList();

    /// <summary>Up to <paramref name="size"/> distinct events of <paramref name="population"/>, in seq order.</summary>
    public static IReadOnlyList<AuditEvent> Draw(IEnumerable<AuditEvent> population, int seed, int size = DefaultSize)
    {
        ArgumentNullException.ThrowIfNull(population);
        var sample = new EvidenceSample(seed, size);
        foreach (var evt in population)
        {
            sample.Add(evt);
        }

        return sample.ToList();
    }
}
