namespace StepUp.Server.Metrics;

/// <summary>The current value of one counter or gauge series, updated lock-free.</summary>
internal sealed class ValueCell
{
    private double _value;

    public double Value => Volatile.Read(ref _value);

    public void Add(double amount)
    {
        var current = Volatile.Read(ref _value);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _value, current + amount, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }

    public void Set(double value) => Volatile.Write(ref _value, value);
}
