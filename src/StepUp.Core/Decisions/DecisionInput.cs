using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;

namespace StepUp.Core.Decisions;

/// <summary>
/// Everything a policy condition can read for one decision: the request as the app sent it, the
/// risk signals StepUp computed, and the evaluation time. Optional request fields are null when
/// absent (reading them in a condition is an error, as in CEL); attribute maps are always bound.
/// </summary>
public sealed class DecisionInput
{
    public static readonly IReadOnlyDictionary<string, CelValue> EmptyMap = new Dictionary<string, CelValue>(0);

    public required SubjectInput Subject { get; init; }
    public required string Action { get; init; }
    public ResourceInput? Resource { get; init; }
    public ContextInput Context { get; init; } = new();
    public RiskSignals Risk { get; init; } = RiskSignals.None;

    /// <summary>Evaluation time: <c>now()</c>, <c>time.hour</c> and <c>time.weekday</c> read it.</summary>
    public DateTimeOffset Now { get; init; }
}

/// <summary>The end user as the calling app knows them.</summary>
public sealed class SubjectInput
{
    public required string Id { get; init; }
    public string? SessionId { get; init; }
    public IReadOnlyDictionary<string, CelValue> Attributes { get; init; } = DecisionInput.EmptyMap;
}

/// <summary>The object of the action (a transfer, a key, a user).</summary>
public sealed class ResourceInput
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public IReadOnlyDictionary<string, CelValue> Attributes { get; init; } = DecisionInput.EmptyMap;
}

/// <summary>Where the request comes from and how the user logged in.</summary>
public sealed class ContextInput
{
    public string? Ip { get; init; }
    public string? UserAgent { get; init; }
    public string? DeviceId { get; init; }
    public AuthInput? Auth { get; init; }

    /// <summary>GeoIP facts (<c>country, city, latitude, longitude, asn</c>); empty when unknown.</summary>
    public IReadOnlyDictionary<string, CelValue> Geo { get; init; } = DecisionInput.EmptyMap;
}

/// <summary>The app's own login facts; never satisfies a step-up rule by itself.</summary>
public sealed class AuthInput
{
    public string? Level { get; init; }
    public IReadOnlyList<string>? Amr { get; init; }
    public long? AuthTime { get; init; }
}
