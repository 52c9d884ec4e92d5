namespace StepUp.Core.Policy.Conditions;

/// <summary>Arithmetic: checked int operations, IEEE doubles, mixed int/double, strings, lists, timestamps and durations.</summary>
internal static partial class CelOps
{
    public static CelValue Add(in CelValue a, in CelValue b)
    {
        switch (a.Kind, b.Kind)
        {
            case (CelKind.Int, CelKind.Int):
                long x = a.AsInt, y = b.AsInt, r = unchecked(x + y);
                return ((x ^ r) & (y ^ r)) < 0 ? CelValue.Error(IntegerOverflow) : CelValue.FromInt(r);
            case (CelKind.Int or CelKind.Double, CelKind.Int or CelKind.Double):
                return CelValue.FromDouble(ToDouble(a) + ToDouble(b));
            case (CelKind.String, CelKind.String):
                return CelValue.FromString(string.Concat(a.AsString, b.AsString));
            case (CelKind.List, CelKind.List):
                return ConcatLists(a.AsList, b.AsList);
            case (CelKind.Timestamp, CelKind.Duration):
                return AddToTimestamp(a.AsTimestamp.UtcTicks, b.AsDuration.Ticks);
            case (CelKind.Duration, CelKind.Timestamp):
                return AddToTimestamp(b.AsTimestamp.UtcTicks, a.AsDuration.Ticks);
            case (CelKind.Duration, CelKind.Duration):
                return AddDurations(a.AsDuration.Ticks, b.AsDuration.Ticks);
            default:
                return NoOverload("+", a, b);
        }
    }

    public static CelValue Subtract(in CelValue a, in CelValue b)
    {
        switch (a.Kind, b.Kind)
        {
            case (CelKind.Int, CelKind.Int):
                long x = a.AsInt, y = b.AsInt, r = unchecked(x - y);
                return ((x ^ y) & (x ^ r)) < 0 ? CelValue.Error(IntegerOverflow) : CelValue.FromInt(r);
            case (CelKind.Int or CelKind.Double, CelKind.Int or CelKind.Double):
                return CelValue.FromDouble(ToDouble(a) - ToDouble(b));
            case (CelKind.Timestamp, CelKind.Timestamp):
                return CelValue.FromDuration(TimeSpan.FromTicks(a.AsTimestamp.UtcTicks - b.AsTimestamp.UtcTicks));
            case (CelKind.Timestamp, CelKind.Duration):
                var ticks = b.AsDuration.Ticks;
                return ticks == long.MinValue ? CelValue.Error(TimestampOverflow) : AddToTimestamp(a.AsTimestamp.UtcTicks, -ticks);
            case (CelKind.Duration, CelKind.Duration):
                long dx = a.AsDuration.Ticks, dy = b.AsDuration.Ticks, dr = unchecked(dx - dy);
                return ((dx ^ dy) & (dx ^ dr)) < 0 ? CelValue.Error(DurationOverflow) : CelValue.FromDuration(TimeSpan.FromTicks(dr));
            default:
                return NoOverload("-", a, b);
        }
    }

    public static CelValue Multiply(in CelValue a, in CelValue b)
    {
        switch (a.Kind, b.Kind)
        {
            case (CelKind.Int, CelKind.Int):
                var high = Math.BigMul(a.AsInt, b.AsInt, out long low);
                return high != (low >> 63) ? CelValue.Error(IntegerOverflow) : CelValue.FromInt(low);
            case (CelKind.Int or CelKind.Double, CelKind.Int or CelKind.Double):
                return CelValue.FromDouble(ToDouble(a) * ToDouble(b));
            default:
                return NoOverload("*", a, b);
        }
    }

    public static CelValue Divide(in CelValue a, in CelValue b)
    {
        switch (a.Kind, b.Kind)
        {
            case (CelKind.Int, CelKind.Int):
                long x = a.AsInt, y = b.AsInt;
                return y == 0 ? CelValue.Error(DivisionByZero)
                    : x == long.MinValue && y == -1 ? CelValue.Error(IntegerOverflow)
                    : CelValue.FromInt(x / y);
            case (CelKind.Int or CelKind.Double, CelKind.Int or CelKind.Double):
                return CelValue.FromDouble(ToDouble(a) / ToDouble(b)); // IEEE 754, as CEL: x / 0.0 is ±infinity
            default:
                return NoOverload("/", a, b);
        }
    }

    public static CelValue Modulo(in CelValue a, in CelValue b)
    {
        switch (a.Kind, b.Kind)
        {
            case (CelKind.Int, CelKind.Int):
                long x = a.AsInt, y = b.AsInt;
                return y == 0 ? CelValue.Error(ModulusByZero)
                    : x == long.MinValue && y == -1 ? CelValue.Error(IntegerOverflow)
                    : CelValue.FromInt(x % y);
            case (CelKind.Int or CelKind.Double, CelKind.Int or CelKind.Double):
                // CEL has no double modulus; StepUp adds it because JSON numbers are doubles.
                var divisor = ToDouble(b);
                return divisor == 0 ? CelValue.Error(ModulusByZero) : CelValue.FromDouble(ToDouble(a) % divisor);
            default:
                return NoOverload("%", a, b);
        }
    }

    public static CelValue Negate(in CelValue a) => a.Kind switch
    {
        CelKind.Int => a.AsInt == long.MinValue ? CelValue.Error(IntegerOverflow) : CelValue.FromInt(-a.AsInt),
        CelKind.Double => CelValue.FromDouble(-a.AsDouble),
        CelKind.Duration => a.AsDuration.Ticks == long.MinValue ? CelValue.Error(DurationOverflow) : CelValue.FromDuration(-a.AsDuration),
        _ => NoOverload("-", a),
    };

    private static CelValue AddToTimestamp(long timestampTicks, long durationTicks)
    {
        var result = unchecked(timestampTicks + durationTicks);
        var overflowed = ((timestampTicks ^ result) & (durationTicks ^ result)) < 0;
        return overflowed || result < 0 || result > MaxTimestampTicks
            ? CelValue.Error(TimestampOverflow)
            : CelValue.FromTimestamp(new DateTimeOffset(result, TimeSpan.Zero));
    }

    private static CelValue AddDurations(long x, long y)
    {
        var r = unchecked(x + y);
        return ((x ^ r) & (y ^ r)) < 0 ? CelValue.Error(DurationOverflow) : CelValue.FromDuration(TimeSpan.FromTicks(r));
    }

    private static CelValue ConcatLists(IReadOnlyList<CelValue> a, IReadOnlyList<CelValue> b)
    {
        if (b.Count == 0)
        {
            return CelValue.FromList(a);
        }

        if (a.Count == 0)
        {
            return CelValue.FromList(b);
        }

        var items = new CelValue[a.Count + b.Count];
        for (var i = 0; i < a.Count; i++)
        {
            items[i] = a[i];
        }

        for (var i = 0; i < b.Count; i++)
        {
            items[a.Count + i] = b[i];
        }

        return CelValue.FromList(items);
    }
}
