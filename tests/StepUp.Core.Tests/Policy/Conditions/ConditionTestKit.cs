using StepUp.Core.Decisions;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;

namespace StepUp.Core.Tests.Policy.Conditions;

/// <summary>Compiles and evaluates conditions against a builder-made decision input.</summary>
internal static class ConditionTestKit
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero); // a Wednesday

    public static ConditionScope Scope(bool geo = true, bool anonymousIp = true) => new()
    {
        Lists = new Dictionary<string, IReadOnlyList<string>>
        {
            ["sanctioned_countries"] = ["KP", "IR", "SY", "CU"],
            ["office_networks"] = ["198.51.100.0/24", "2001:db8::/32"],
            ["admins"] = ["alice", "bob"],
            ["broken_networks"] = ["10.0.0.0/8", "10.0.0.0/33"],
        },
        GeoAvailable = geo,
        AnonymousIpAvailable = anonymousIp,
    };

    public static CompiledCondition Compile(string source, ConditionScope? scope = null)
    {
        var diagnostics = new List<ConditionDiagnostic>();
        var compiled = ConditionCompiler.Compile(source, scope ?? Scope(), diagnostics);
        Assert.True(compiled is not null, $"'{source}' did not compile:\n" + string.Join("\n", diagnostics));
        return compiled;
    }

    public static List<ConditionDiagnostic> Diagnose(string source, ConditionScope? scope = null)
    {
        var diagnostics = new List<ConditionDiagnostic>();
        ConditionCompiler.Compile(source, scope ?? Scope(), diagnostics);
        return diagnostics;
    }

    /// <summary>Compiles a condition that must fail and returns its errors (warnings dropped).</summary>
    public static List<ConditionDiagnostic> Errors(string source, ConditionScope? scope = null)
    {
        var diagnostics = new List<ConditionDiagnostic>();
        var compiled = ConditionCompiler.Compile(source, scope ?? Scope(), diagnostics);
        Assert.Null(compiled);
        var errors = diagnostics.Where(d => !d.IsWarning).ToList();
        Assert.NotEmpty(errors);
        return errors;
    }

    public static CelValue Eval(string source, DecisionInput? input = null) => Compile(source).Evaluate(input ?? new InputBuilder().Build());

    public static bool EvalBool(string source, DecisionInput? input = null)
    {
        var value = Eval(source, input);
        Assert.True(value.Kind == CelKind.Bool, $"'{source}' evaluated to {value}");
        return value.AsBool;
    }

    public static CelValue S(string value) => CelValue.FromString(value);

    public static CelValue I(long value) => CelValue.FromInt(value);

    public static CelValue D(double value) => CelValue.FromDouble(value);

    public static CelValue L(params CelValue[] items) => CelValue.FromList(items);

    public static CelValue M(params (string Key, CelValue Value)[] entries) =>
        CelValue.FromMap(entries.ToDictionary(e => e.Key, e => e.Value));
}

/// <summary>A decision input with realistic defaults; tests change what they need.</summary>
internal sealed class InputBuilder
{
    public string SubjectId { get; set; } = "alice";
    public string? SessionId { get; set; } = "s-123";
    public Dictionary<string, CelValue> SubjectAttributes { get; } = new()
    {
        ["role"] = CelValue.FromString("admin"),
        ["frozen"] = CelValue.False,
        ["age"] = CelValue.FromDouble(42),
        ["count"] = CelValue.FromInt(7),
        ["big"] = CelValue.FromInt(long.MaxValue),
        ["tags"] = CelValue.FromList([CelValue.FromString("a"), CelValue.FromString("b")]),
        ["profile"] = CelValue.FromMap(new Dictionary<string, CelValue> { ["country"] = CelValue.FromString("GB") }),
        ["nothing"] = CelValue.Null,
        ["networks"] = CelValue.FromList([CelValue.FromString("81.2.69.0/24")]),
        ["pattern"] = CelValue.FromString("^adm"),
        ["bad_pattern"] = CelValue.FromString("(unclosed"),
    };

    public string Action { get; set; } = "payments.transfer";
    public bool HasResource { get; set; } = true;
    public string? ResourceType { get; set; } = "transfer";
    public string? ResourceId { get; set; } = "t-9";
    public Dictionary<string, CelValue> ResourceAttributes { get; } = new()
    {
        ["amount"] = CelValue.FromDouble(12000),
        ["currency"] = CelValue.FromString("EUR"),
    };

    public string? Ip { get; set; } = "81.2.69.142";
    public string? UserAgent { get; set; } = "Mozilla/5.0";
    public string? DeviceId { get; set; } = "d-1";
    public bool HasAuth { get; set; } = true;
    public string? AuthLevel { get; set; } = "aal1";
    public IReadOnlyList<string>? Amr { get; set; } = ["pwd"];
    public long? AuthTime { get; set; } = 1763798400;
    public Dictionary<string, CelValue> Geo { get; } = new()
    {
        ["country"] = CelValue.FromString("GB"),
        ["city"] = CelValue.FromString("London"),
        ["latitude"] = CelValue.FromDouble(51.51),
        ["longitude"] = CelValue.FromDouble(-0.09),
        ["asn"] = CelValue.FromInt(1234),
    };

    public RiskSignals Risk { get; set; } = new()
    {
        NewDevice = true,
        Score = 40,
        Level = "medium",
        TravelSpeedKmh = 12.5,
        Failures1h = 2,
        IpFailures1h = 3,
    };

    public DateTimeOffset Now { get; set; } = ConditionTestKit.DefaultNow;

    public DecisionInput Build() => new()
    {
        Subject = new SubjectInput { Id = SubjectId, SessionId = SessionId, Attributes = SubjectAttributes },
        Action = Action,
        Resource = HasResource ? new ResourceInput { Type = ResourceType, Id = ResourceId, Attributes = ResourceAttributes } : null,
        Context = new ContextInput
        {
            Ip = Ip,
            UserAgent = UserAgent,
            DeviceId = DeviceId,
            Auth = HasAuth ? new AuthInput { Level = AuthLevel, Amr = Amr, AuthTime = AuthTime } : null,
            Geo = Geo,
        },
        Risk = Risk,
        Now = Now,
    };
}
