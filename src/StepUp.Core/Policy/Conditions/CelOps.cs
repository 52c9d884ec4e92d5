namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// CEL's runtime semantics for equality, ordering and arithmetic, shared by the evaluation nodes
/// and by constant folding. Nothing here throws or allocates on a successful scalar operation.
/// </summary>
internal static partial class CelOps
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
}
