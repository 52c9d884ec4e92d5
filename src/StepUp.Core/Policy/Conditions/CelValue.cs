using System.Globalization;

namespace StepUp.Core.Policy.Conditions;

/// <summary>The kind of a condition-language value (CEL's runtime types, plus an error value).</summary>
public enum CelKind : byte
{
    Null,
    Bool,
    Int,
    Double,
    String,
    List,
    Map,
    Timestamp,
    Duration,
    Error,
}

/// <summary>
/// A condition-language value. A struct so that evaluating a compiled condition allocates nothing
/// for scalars; lists, maps and strings are shared references, errors carry their message.
/// </summary>
public readonly struct CelValue : IEquatable<CelValue>
{
    private readonly long _bits;
    private readonly object? _ref;

    private CelValue(CelKind kind, long bits, object? reference)
    {
        Kind = kind;
        _bits = bits;
        _ref = reference;
    }

    /// <summary>The runtime type of this value.</summary>
    public CelKind Kind { get; }

    public static CelValue Null { get; } = new(CelKind.Null, 0, null);
    public static CelValue True { get; } = new(CelKind.Bool, 1, null);
    public static CelValue False { get; } = new(CelKind.Bool, 0, null);

    public static CelValue FromBool(bool value) => value ? True : False;
    public static CelValue FromInt(long value) => new(CelKind.Int, value, null);
    public static CelValue FromDouble(double value) => new(CelKind.Double, BitConverter.DoubleToInt64Bits(value), null);
    public static CelValue FromString(string value) => new(CelKind.String, 0, value ?? throw new ArgumentNullException(nameof(value)));
    public static CelValue FromList(IReadOnlyList<CelValue> items) => new(CelKind.List, 0, items ?? throw new ArgumentNullException(nameof(items)));
    public static CelValue FromMap(IReadOnlyDictionary<string, CelValue> map) => new(CelKind.Map, 0, map ?? throw new ArgumentNullException(nameof(map)));
    public static CelValue FromTimestamp(DateTimeOffset value) => new(CelKind.Timestamp, value.UtcTicks, null);
    public static CelValue FromDuration(TimeSpan value) => new(CelKind.Duration, value.Ticks, null);
    public static CelValue Error(string message) => new(CelKind.Error, 0, message ?? throw new ArgumentNullException(nameof(message)));

    public bool IsError => Kind == CelKind.Error;
    public bool AsBool => _bits != 0;
    public long AsInt => _bits;
    public double AsDouble => BitConverter.Int64BitsToDouble(_bits);
    public string AsString => (string)_ref!;
    public IReadOnlyList<CelValue> AsList => (IReadOnlyList<CelValue>)_ref!;
    public IReadOnlyDictionary<string, CelValue> AsMap => (IReadOnlyDictionary<string, CelValue>)_ref!;
    public DateTimeOffset AsTimestamp => new(_bits, TimeSpan.Zero);
    public TimeSpan AsDuration => new(_bits);

    /// <summary>The message of an error value.</summary>
    public string ErrorMessage => Kind == CelKind.Error ? (string)_ref! : string.Empty;

    public bool Equals(CelValue other) => Kind == other.Kind && _bits == other._bits && Equals(_ref, other._ref);
    public override bool Equals(object? obj) => obj is CelValue other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(Kind, _bits, _ref);
    public static bool operator ==(CelValue left, CelValue right) => left.Equals(right);
    public static bool operator !=(CelValue left, CelValue right) => !left.Equals(right);

    public override string ToString() => Kind switch
    {
        CelKind.Null => "null",
        CelKind.Bool => AsBool ? "true" : "false",
        CelKind.Int => AsInt.ToString(CultureInfo.InvariantCulture),
        CelKind.Double => AsDouble.ToString("R", CultureInfo.InvariantCulture),
        CelKind.String => AsString,
        CelKind.Timestamp => AsTimestamp.ToString("O", CultureInfo.InvariantCulture),
        CelKind.Duration => AsDuration.ToString(),
        CelKind.Error => "error: " + ErrorMessage,
        _ => Kind.ToString(),
    };
}
