namespace StepUp.Core.Policy.Conditions;

/// <summary>A fixed field of the decision input: its static type, its accessor and its <c>has()</c> test.</summary>
internal sealed record FieldBinding(CelType Type, EvalNode Value, EvalNode Presence);

/// <summary>
/// The names in scope (SPEC §4.2) and their fields, bound straight to accessor nodes so that no
/// field name is looked up at evaluation. <c>lists.*</c> comes from the policy and is bound by the binder.
/// </summary>
internal static class InputFields
{
    public static readonly string[] TopLevelNames = ["subject", "action", "resource", "context", "risk", "lists", "time"];

    /// <summary>Stands for a namespace (such as <c>context.auth</c>) where a value would be; never evaluated in a valid condition.</summary>
    private static readonly EvalNode NotAValue = new ConstantNode(CelValue.Error("not a value"));

    public static EvalNode Action { get; } = new InputStringNode(static i => i.Action, "no such key: action");

    private static readonly Dictionary<string, FieldBinding> Subject = new(StringComparer.Ordinal)
    {
        ["id"] = new(CelType.String, new InputStringNode(static i => i.Subject.Id, "no such key: id"), ConstantNode.True),
        ["session_id"] = new(CelType.String, new InputStringNode(static i => i.Subject.SessionId, "no such key: session_id"),
            new InputPresenceNode(static i => i.Subject.SessionId is not null)),
        ["attributes"] = new(CelType.Map, new InputMapNode(static i => i.Subject.Attributes), ConstantNode.True),
    };

    private static readonly Dictionary<string, FieldBinding> Resource = new(StringComparer.Ordinal)
    {
        ["type"] = new(CelType.String, new InputStringNode(static i => i.Resource?.Type, "no such key: type"),
            new InputPresenceNode(static i => i.Resource?.Type is not null)),
        ["id"] = new(CelType.String, new InputStringNode(static i => i.Resource?.Id, "no such key: id"),
            new InputPresenceNode(static i => i.Resource?.Id is not null)),
        ["attributes"] = new(CelType.Map, new InputMapNode(static i => i.Resource?.Attributes), ConstantNode.True),
    };

    private static readonly Dictionary<string, FieldBinding> Context = new(StringComparer.Ordinal)
    {
        ["ip"] = new(CelType.String, new InputStringNode(static i => i.Context.Ip, "no such key: ip"),
            new InputPresenceNode(static i => i.Context.Ip is not null)),
        ["user_agent"] = new(CelType.String, new InputStringNode(static i => i.Context.UserAgent, "no such key: user_agent"),
            new InputPresenceNode(static i => i.Context.UserAgent is not null)),
        ["device_id"] = new(CelType.String, new InputStringNode(static i => i.Context.DeviceId, "no such key: device_id"),
            new InputPresenceNode(static i => i.Context.DeviceId is not null)),
        ["auth"] = new(CelType.ObjectOf(ObjectKind.Auth), NotAValue, new InputPresenceNode(static i => i.Context.Auth is not null)),
        ["geo"] = new(CelType.Map, new InputMapNode(static i => i.Context.Geo), ConstantNode.True),
    };

    private static readonly Dictionary<string, FieldBinding> Auth = new(StringComparer.Ordinal)
    {
        ["level"] = new(CelType.String, new AuthFieldNode(AuthField.Level), new AuthPresenceNode(AuthField.Level)),
        ["amr"] = new(CelType.ListOfString, new AuthFieldNode(AuthField.Amr), new AuthPresenceNode(AuthField.Amr)),
        ["auth_time"] = new(CelType.Int, new AuthFieldNode(AuthField.AuthTime), new AuthPresenceNode(AuthField.AuthTime)),
    };

    private static readonly Dictionary<string, FieldBinding> Risk = new(StringComparer.Ordinal)
    {
        ["new_device"] = Bool(static i => i.Risk.NewDevice),
        ["new_country"] = Bool(static i => i.Risk.NewCountry),
        ["new_ip"] = Bool(static i => i.Risk.NewIp),
        ["impossible_travel"] = Bool(static i => i.Risk.ImpossibleTravel),
        ["anonymous_ip"] = Bool(static i => i.Risk.AnonymousIp),
        ["travel_speed_kmh"] = new(CelType.Double, new InputDoubleNode(static i => i.Risk.TravelSpeedKmh), ConstantNode.True),
        ["failures_1h"] = Int(static i => i.Risk.Failures1h),
        ["ip_failures_1h"] = Int(static i => i.Risk.IpFailures1h),
        ["score"] = Int(static i => i.Risk.Score),
        ["level"] = new(CelType.String, new InputStringNode(static i => i.Risk.Level, "no such key: level"), ConstantNode.True),
    };

    private static readonly Dictionary<string, FieldBinding> Time = new(StringComparer.Ordinal)
    {
        ["hour"] = new(CelType.Int, new TimeFieldNode(weekday: false), ConstantNode.True),
        ["weekday"] = new(CelType.Int, new TimeFieldNode(weekday: true), ConstantNode.True),
    };

    private static readonly CelType[] ObjectTypes =
    [
        CelType.Dyn,
        CelType.ObjectOf(ObjectKind.Subject),
        CelType.ObjectOf(ObjectKind.Resource),
        CelType.ObjectOf(ObjectKind.Context),
        CelType.ObjectOf(ObjectKind.Auth),
        CelType.ObjectOf(ObjectKind.Risk),
        CelType.ObjectOf(ObjectKind.Lists),
        CelType.ObjectOf(ObjectKind.Time),
    ];

    public static CelType TypeOf(ObjectKind kind) => ObjectTypes[(int)kind];

    /// <summary>The fields of a fixed namespace; null for <c>lists</c>, whose fields come from the policy.</summary>
    public static IReadOnlyDictionary<string, FieldBinding>? FieldsOf(ObjectKind kind) => kind switch
    {
        ObjectKind.Subject => Subject,
        ObjectKind.Resource => Resource,
        ObjectKind.Context => Context,
        ObjectKind.Auth => Auth,
        ObjectKind.Risk => Risk,
        ObjectKind.Time => Time,
        _ => null,
    };

    private static FieldBinding Bool(Func<Decisions.DecisionInput, bool> getter) => new(CelType.Bool, new InputBoolNode(getter), ConstantNode.True);

    private static FieldBinding Int(Func<Decisions.DecisionInput, long> getter) => new(CelType.Int, new InputIntNode(getter), ConstantNode.True);
}
