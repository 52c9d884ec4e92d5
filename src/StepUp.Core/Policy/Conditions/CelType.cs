namespace StepUp.Core.Policy.Conditions;

internal enum TypeKind : byte
{
    /// <summary>Not known until evaluation (map values, JSON attributes).</summary>
    Dyn,

    /// <summary>The type of an expression that already has an error; suppresses follow-up errors.</summary>
    Error,
    Null,
    Bool,
    Int,
    Double,
    String,
    List,
    Map,
    Timestamp,
    Duration,

    /// <summary>A fixed namespace such as <c>subject</c> or <c>risk</c>: it has fields but is not itself a value.</summary>
    Object,
}

/// <summary>The fixed namespaces of the decision input.</summary>
internal enum ObjectKind : byte
{
    None,
    Subject,
    Resource,
    Context,
    Auth,
    Risk,
    Lists,
    Time,
}

/// <summary>A static (compile-time) type: what the checker knows about an expression before evaluation.</summary>
internal sealed class CelType
{
    private CelType(TypeKind kind, CelType? element = null, ObjectKind obj = ObjectKind.None)
    {
        Kind = kind;
        Element = element;
        Object = obj;
    }

    public static CelType Dyn { get; } = new(TypeKind.Dyn);
    public static CelType Error { get; } = new(TypeKind.Error);
    public static CelType Null { get; } = new(TypeKind.Null);
    public static CelType Bool { get; } = new(TypeKind.Bool);
    public static CelType Int { get; } = new(TypeKind.Int);
    public static CelType Double { get; } = new(TypeKind.Double);
    public static CelType String { get; } = new(TypeKind.String);
    public static CelType Map { get; } = new(TypeKind.Map, Dyn);
    public static CelType Timestamp { get; } = new(TypeKind.Timestamp);
    public static CelType Duration { get; } = new(TypeKind.Duration);
    public static CelType ListOfDyn { get; } = new(TypeKind.List, Dyn);
    public static CelType ListOfString { get; } = new(TypeKind.List, String);

    public TypeKind Kind { get; }

    /// <summary>Element type of a list, value type of a map.</summary>
    public CelType? Element { get; }

    public ObjectKind Object { get; }

    /// <summary>True when the type is not statically known, so every check is left to evaluation.</summary>
    public bool IsDynamic => Kind is TypeKind.Dyn or TypeKind.Error;

    public bool IsNumeric => Kind is TypeKind.Int or TypeKind.Double;

    public static CelType ListOf(CelType element) => element.Kind switch
    {
        TypeKind.Dyn or TypeKind.Error => ListOfDyn,
        TypeKind.String => ListOfString,
        _ => new CelType(TypeKind.List, element),
    };

    public static CelType ObjectOf(ObjectKind kind) => new(TypeKind.Object, null, kind);

    public static CelType Of(CelKind kind) => kind switch
    {
        CelKind.Null => Null,
        CelKind.Bool => Bool,
        CelKind.Int => Int,
        CelKind.Double => Double,
        CelKind.String => String,
        CelKind.List => ListOfDyn,
        CelKind.Map => Map,
        CelKind.Timestamp => Timestamp,
        CelKind.Duration => Duration,
        _ => Dyn,
    };

    /// <summary>Whether the two types are the same static type (lists compare their element types).</summary>
    public static bool Same(CelType a, CelType b) =>
        a.Kind == b.Kind && a.Object == b.Object
        && (a.Kind != TypeKind.List || Same(a.Element!, b.Element!));

    /// <summary>The type of a value that is either <paramref name="a"/> or <paramref name="b"/>.</summary>
    public static CelType Join(CelType a, CelType b) => Same(a, b) ? a : Dyn;

    public override string ToString() => Kind switch
    {
        TypeKind.Dyn or TypeKind.Error => "dyn",
        TypeKind.Null => "null",
        TypeKind.Bool => "bool",
        TypeKind.Int => "int",
        TypeKind.Double => "double",
        TypeKind.String => "string",
        TypeKind.List => "list(" + Element + ")",
        TypeKind.Map => "map(string, dyn)",
        TypeKind.Timestamp => "timestamp",
        TypeKind.Duration => "duration",
        _ => ObjectName(Object),
    };

    public static string ObjectName(ObjectKind kind) => kind switch
    {
        ObjectKind.Subject => "subject",
        ObjectKind.Resource => "resource",
        ObjectKind.Context => "context",
        ObjectKind.Auth => "context.auth",
        ObjectKind.Risk => "risk",
        ObjectKind.Lists => "lists",
        ObjectKind.Time => "time",
        _ => "object",
    };
}
