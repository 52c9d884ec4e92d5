namespace StepUp.AspNetCore;

/// <summary>
/// The object of a protected action, as sent to StepUp: <c>{ type, id, attributes }</c>. An
/// elevation bound to a resource (<c>bind: resource</c>) only works for the same type, id and
/// attribute values.
/// </summary>
public sealed class StepUpResource
{
    private static readonly IReadOnlyDictionary<string, object?> NoAttributes = new Dictionary<string, object?>(0);

    /// <summary>Creates a resource; attribute values are serialised as JSON (numbers, strings, booleans, lists, objects).</summary>
    public StepUpResource(string? type, string? id, IReadOnlyDictionary<string, object?>? attributes = null)
    {
        Type = type;
        Id = id;
        Attributes = attributes ?? NoAttributes;
    }

    /// <summary>Resource type, e.g. <c>transfer</c>.</summary>
    public string? Type { get; }

    /// <summary>Resource id, e.g. <c>t-9</c>.</summary>
    public string? Id { get; }

    /// <summary>Attributes policy conditions can read, e.g. <c>amount</c>.</summary>
    public IReadOnlyDictionary<string, object?> Attributes { get; }
}
