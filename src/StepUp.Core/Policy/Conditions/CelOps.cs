namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// CEL's runtime semantics for equality, ordering and arithmetic, shared by the evaluation nodes
/// and by constant folding. Nothing here throws or allocates on a successful scalar operation.
/// </summary>
internal static class CelOps
{
    public const string IntegerOverflow = "integer overflow";
    public const string DivisionByZero = "division by zero";
    public const string ModulusByZero = "modulus by zero";
    public const string TimestampOverflow = "timestamp out of range";
    public const string DurationOverflow = "duration out of range";

    /// <summary>Result of <see cref="Compare"/> when a NaN makes the operands unordered.</summary>
    public const int Unordered = 2;

    /// <summary>Result of <see cref="Compare"/> when the kinds cannot be ordered against each other.</summary>
    public const int NotComparable = 3;

    private static readonly long MaxTimestampTicks = DateTime.MaxValue.Ticks;

    public static string KindName(CelKind kind) => kind switch
    {
        CelKind.Null => "null",
        CelKind.Bool => "bool",
        CelKind.Int => "int",
        CelKind.Double => "double",
        CelKind.String => "string",
        CelKind.List => "list",
        CelKind.Map => "map",
        CelKind.Timestamp => "timestamp",
        CelKind.Duration => "duration",
        _ => "error",
    };

    public static CelValue NoOverload(string op, in CelValue left, in CelValue right) =>
        left.IsError ? left
        : right.IsError ? right
        : CelValue.Error($"no such overload: {KindName(left.Kind)} {op} {KindName(right.Kind)}");

    public static CelValue NoOverload(string function, in CelValue argument) =>
        argument.IsError ? argument : CelValue.Error($"no such overload: {function}({KindName(argument.Kind)})");

    public static CelValue NoMethodOverload(string method, in CelValue receiver, in CelValue argument) =>
        receiver.IsError ? receiver
        : argument.IsError ? argument
        : CelValue.Error($"no such overload: {KindName(receiver.Kind)}.{method}({KindName(argument.Kind)})");

    /// <summary>Shortens untrusted text before it goes into an error message (which may be logged and audited).</summary>
    public static string Clip(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 61), "...");

    public static bool IsNumber(in CelValue value) => value.Kind is CelKind.Int or CelKind.Double;

    public static double ToDouble(in CelValue value) => value.Kind == CelKind.Int ? value.AsInt : value.AsDouble;

    /// <summary>CEL heterogeneous equality: different kinds are unequal, except int and double, which compare numerically.</summary>
    public static bool ValueEquals(in CelValue a, in CelValue b)
    {
        switch (a.Kind)
        {
            case CelKind.Null:
                return b.Kind == CelKind.Null;
            case CelKind.Bool:
                return b.Kind == CelKind.Bool && a.AsBool == b.AsBool;
            case CelKind.Int:
                return b.Kind == CelKind.Int ? a.AsInt == b.AsInt : b.Kind == CelKind.Double && CompareIntDouble(a.AsInt, b.AsDouble) == 0;
            case CelKind.Double:
                return b.Kind == CelKind.Double
                    ? a.AsDouble == b.AsDouble
                    : b.Kind == CelKind.Int && CompareIntDouble(b.AsInt, a.AsDouble) == 0;
            case CelKind.String:
                return b.Kind == CelKind.String && string.Equals(a.AsString, b.AsString, StringComparison.Ordinal);
            case CelKind.Timestamp:
                return b.Kind == CelKind.Timestamp && a.AsTimestamp.UtcTicks == b.AsTimestamp.UtcTicks;
            case CelKind.Duration:
                return b.Kind == CelKind.Duration && a.AsDuration.Ticks == b.AsDuration.Ticks;
            case CelKind.List:
                return b.Kind == CelKind.List && ListEquals(a.AsList, b.AsList);
            case CelKind.Map:
                return b.Kind == CelKind.Map && MapEquals(a.AsMap, b.AsMap);
            default:
                return false;
        }
    }

    private static bool ListEquals(IReadOnlyList<CelValue> a, IReadOnlyList<CelValue> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!ValueEquals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MapEquals(IReadOnlyDictionary<string, CelValue> a, IReadOnlyDictionary<string, CelValue> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !ValueEquals(value, other))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>-1, 0 or 1; <see cref="Unordered"/> when a NaN is involved; <see cref="NotComparable"/> for kinds without an order.</summary>
    public static int Compare(in CelValue a, in CelValue b)
    {
        switch (a.Kind, b.Kind)
        {
            case (CelKind.Int, CelKind.Int):
                return a.AsInt.CompareTo(b.AsInt);
            case (CelKind.Int, CelKind.Double):
                return CompareIntDouble(a.AsInt, b.AsDouble);
            case (CelKind.Double, CelKind.Int):
                var reversed = CompareIntDouble(b.AsInt, a.AsDouble);
                return reversed == Unordered ? Unordered : -reversed;
            case (CelKind.Double, CelKind.Double):
                var x = a.AsDouble;
                var y = b.AsDouble;
                return double.IsNaN(x) || double.IsNaN(y) ? Unordered : x < y ? -1 : x > y ? 1 : 0;
            case (CelKind.String, CelKind.String):
                return Math.Sign(string.CompareOrdinal(a.AsString, b.AsString));
            case (CelKind.Bool, CelKind.Bool):
                return a.AsBool.CompareTo(b.AsBool);
            case (CelKind.Timestamp, CelKind.Timestamp):
                return a.AsTimestamp.UtcTicks.CompareTo(b.AsTimestamp.UtcTicks);
            case (CelKind.Duration, CelKind.Duration):
                return a.AsDuration.Ticks.CompareTo(b.AsDuration.Ticks);
            default:
                return NotComparable;
        }
    }

    /// <summary>Exact comparison of an int with a double (no rounding of large ints through double).</summary>
    public static int CompareIntDouble(long l, double d)
    {
        if (double.IsNaN(d))
        {
            return Unordered;
        }

        if (d >= 9223372036854775808.0)
        {
            return -1;
        }

        if (d < -9223372036854775808.0)
        {
            return 1;
        }

        var truncated = Math.Truncate(d);
        var whole = (long)truncated;
        if (l != whole)
        {
            return l < whole ? -1 : 1;
        }

        var fraction = d - truncated;
        return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
    }

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
