using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Security;

namespace StepUp.Core.Elevations;

/// <summary>
/// The resource an elevation is bound to: type, id and a digest of its attributes (hex SHA-256 of
/// their RFC 8785 form), so approving "transfer t-9 of 12,000" does not approve "t-9 of 90,000".
/// </summary>
public sealed record ResourceBinding(string? Type, string? Id, string Digest)
{
    public static ResourceBinding? From(ResourceInput? resource)
    {
        if (resource is null)
        {
            return null;
        }

        var attributes = new JsonObject();
        foreach (var (key, value) in resource.Attributes)
        {
            attributes[key] = DecisionInputJson.ToJson(value);
        }

        return new ResourceBinding(resource.Type, resource.Id, Digests.Sha256Hex(Jcs.Canonicalize(attributes)));
    }

    public bool Matches(ResourceBinding? other) =>
        other is not null && Type == other.Type && Id == other.Id && Digests.FixedTimeEquals(Digest, other.Digest);
}
