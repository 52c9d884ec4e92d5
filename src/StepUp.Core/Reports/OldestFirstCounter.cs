namespace StepUp.Core.Reports;

/// <summary>
/// Counts per key for at most <c>capacity</c> keys: adding a key beyond that drops the key added
/// longest ago (the report's bound on challenges tracked at once). Ordinal string keys.
/// </summary>
internal sealed class OldestFirstCounter
{
    private readonly int _capacity;
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _order = new();

    public OldestFirstCounter(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    public int Count => _entries.Count;

    public bool Contains(string key) => _entries.ContainsKey(key);

    /// <summary>Adds one to <paramref name="key"/>; returns the count of the key dropped to make room, 0 when none was.</summary>
    public long Increment(string key)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            node.Value.Count++;
            return 0;
        }

        long dropped = 0;
        if (_entries.Count == _capacity)
        {
            var oldest = _order.First!;
            _order.RemoveFirst();
            _entries.Remove(oldest.Value.Key);
            dropped = oldest.Value.Count;
        }

        _entries.Add(key, _order.AddLast(new Entry(key)));
        return dropped;
    }

    /// <summary>Removes <paramref name="key"/>; its count, 0 when it was not held.</summary>
    public long Remove(string key)
    {
        if (!_entries.Remove(key, out var node))
        {
            return 0;
        }

        _order.Remove(node);
        return node.Value.Count;
    }

    private sealed class Entry(string key)
    {
        public string Key { get; } = key;

        public long Count { get; set; } = 1;
    }
}
