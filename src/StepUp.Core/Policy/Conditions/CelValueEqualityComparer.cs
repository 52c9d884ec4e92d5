namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// Hashes scalar values consistently with <see cref="CelOps.ValueEquals"/> (so <c>1</c> and <c>1.0</c>
/// land in one bucket), for constant-list membership sets. Lists and maps are not supported.
/// </summary>
internal sealed class CelValueEqualityComparer : IEqualityComparer<CelValue>
{
    public static CelValueEqualityComparer Instance { get; } = new();

    public static bool IsHashable(CelKind kind) =>
        kind is CelKind.Null or CelKind.Bool or CelKind.Int or CelKind.Double or CelKind.String or CelKind.Timestamp or CelKind.Duration;

    public bool Equals(CelValue x, CelValue y) => CelOps.ValueEquals(x, y);

    public int GetHashCode(CelValue obj) => obj.Kind switch
    {
        CelKind.Int => HashNumber(obj.AsInt),
        CelKind.Double => HashNumber(obj.AsDouble),
        CelKind.String => StringComparer.Ordinal.GetHashCode(obj.AsString),
        CelKind.Bool => obj.AsBool ? 1 : 2,
        CelKind.Timestamp => HashCode.Combine(CelKind.Timestamp, obj.AsTimestamp.UtcTicks),
        CelKind.Duration => HashCode.Combine(CelKind.Duration, obj.AsDuration.Ticks),
        _ => (int)obj.Kind,
    };

    // Ints hash through double so an int and an equal double collide; inequality is then decided exactly.
    private static int HashNumber(double value) => value == 0 ? 0 : value.GetHashCode();
}
