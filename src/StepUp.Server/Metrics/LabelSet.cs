using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace StepUp.Server.Metrics;

/// <summary>
/// The labels of one series, sorted by name: the key under which a listener callback finds its
/// pre-aggregated cell. Holds at most <see cref="MaxLabels"/> pairs inline, so building a key on
/// the recording path allocates nothing.
/// </summary>
internal readonly struct LabelSet : IEquatable<LabelSet>
{
    /// <summary>Labels kept per measurement; further tags are ignored (StepUp's instruments use at most three).</summary>
    public const int MaxLabels = 4;

    private readonly Pairs _pairs;

    private LabelSet(Pairs pairs, int count)
    {
        _pairs = pairs;
        Count = count;
    }

    /// <summary>Number of labels.</summary>
    public int Count { get; }

    /// <summary>The labels, sorted by name (ordinal).</summary>
    [UnscopedRef]
    public ReadOnlySpan<KeyValuePair<string, string>> Labels => ((ReadOnlySpan<KeyValuePair<string, string>>)_pairs)[..Count];

    /// <summary>Builds the key of a measurement's tags; a non-string value is formatted invariantly, a null one is empty.</summary>
    public static LabelSet From(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = default(Pairs);
        var count = Math.Min(tags.Length, MaxLabels);
        Span<KeyValuePair<string, string>> span = pairs;
        for (var i = 0; i < count; i++)
        {
            var value = tags[i].Value switch
            {
                string s => s,
                null => string.Empty,
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                var other => other.ToString() ?? string.Empty,
            };
            var pair = new KeyValuePair<string, string>(tags[i].Key, value);

            // Insertion sort: at most four elements, and usually already in order.
            var j = i;
            while (j > 0 && string.CompareOrdinal(span[j - 1].Key, pair.Key) > 0)
            {
                span[j] = span[j - 1];
                j--;
            }

            span[j] = pair;
        }

        return new LabelSet(pairs, count);
    }

    /// <summary>Builds a key from name/value pairs (tests and fixed series).</summary>
    public static LabelSet Of(params ReadOnlySpan<(string Name, string Value)> labels)
    {
        var tags = new KeyValuePair<string, object?>[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            tags[i] = new KeyValuePair<string, object?>(labels[i].Name, labels[i].Value);
        }

        return From(tags);
    }

    public bool Equals(LabelSet other)
    {
        if (Count != other.Count)
        {
            return false;
        }

        var mine = Labels;
        var theirs = other.Labels;
        for (var i = 0; i < mine.Length; i++)
        {
            if (!string.Equals(mine[i].Key, theirs[i].Key, StringComparison.Ordinal) ||
                !string.Equals(mine[i].Value, theirs[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is LabelSet other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (name, value) in Labels)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public static bool operator ==(LabelSet left, LabelSet right) => left.Equals(right);

    public static bool operator !=(LabelSet left, LabelSet right) => !left.Equals(right);

    [InlineArray(MaxLabels)]
    private struct Pairs
    {
        private KeyValuePair<string, string> _element;
    }
}
