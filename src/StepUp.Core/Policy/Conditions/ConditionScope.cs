namespace StepUp.Core.Policy.Conditions;

/// <summary>What a condition may refer to besides the request: the policy's named lists and which signals the configuration can produce.</summary>
internal sealed class ConditionScope
{
    /// <summary>Named lists from the policy's <c>lists:</c> section, referenced as <c>lists.NAME</c>.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Lists { get; init; }

    /// <summary>Whether a GeoIP City database is configured; only used for warnings.</summary>
    public bool GeoAvailable { get; init; }

    /// <summary>Whether an anonymous-IP database is configured; only used for warnings.</summary>
    public bool AnonymousIpAvailable { get; init; }
}
