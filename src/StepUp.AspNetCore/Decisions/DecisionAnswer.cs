using System.Text.Json;

namespace StepUp.AspNetCore.Decisions;

/// <summary>A decision as StepUp answered it, or why there is none.</summary>
internal sealed class DecisionAnswer
{
    private const string SatisfiedPrefix = "satisfied by elevation ";

    private DecisionAnswer(DecisionKind kind) => Kind = kind;

    public DecisionKind Kind { get; }

    public string? DecisionId { get; private init; }

    /// <summary>The elevation that turned a step-up into allow (from the documented <c>reasons</c> entry).</summary>
    public string? ElevationId { get; private init; }

    /// <summary>StepUp's RFC 9470 header value, verbatim.</summary>
    public string? WwwAuthenticate { get; private init; }

    public JsonElement? Challenge { get; private init; }

    public JsonElement? Required { get; private init; }

    /// <summary>For logs: why there is no decision (never a secret).</summary>
    public string? Failure { get; private init; }

    public static DecisionAnswer Unavailable(string failure) => new(DecisionKind.Unavailable) { Failure = failure };

    public static DecisionAnswer Refused(string failure) => new(DecisionKind.Refused) { Failure = failure };

    /// <summary>Reads a 200 decision body; an answer that is not a well-formed decision is <see cref="DecisionKind.Unavailable"/>.</summary>
    public static DecisionAnswer Parse(ReadOnlyMemory<byte> body)
    {
        var document = JsonDocuments.TryParse(body);
        if (document is null)
        {
            return Unavailable("the decision is not JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "decision_id") is not { Length: > 0 } decisionId)
            {
                return Unavailable("the decision has no decision_id");
            }

            switch (Text(root, "decision"))
            {
                case "allow":
                    return new DecisionAnswer(DecisionKind.Allow) { DecisionId = decisionId, ElevationId = SatisfyingElevation(root) };
                case "deny":
                    return new DecisionAnswer(DecisionKind.Deny) { DecisionId = decisionId };
                case "step_up" when Text(root, "www_authenticate") is { Length: > 0 } header && IsHeaderSafe(header):
                    return new DecisionAnswer(DecisionKind.StepUp)
                    {
                        DecisionId = decisionId,
                        WwwAuthenticate = header,
                        Challenge = Object(root, "challenge"),
                        Required = Object(root, "required"),
                    };
                default:
                    return Unavailable("the decision is not allow, step_up (with www_authenticate) or deny");
            }
        }
    }

    private static string? SatisfyingElevation(JsonElement root)
    {
        if (!root.TryGetProperty("reasons", out var reasons) || reasons.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var reason in reasons.EnumerateArray())
        {
            if (reason.ValueKind == JsonValueKind.String && reason.GetString() is { } text && text.StartsWith(SatisfiedPrefix, StringComparison.Ordinal))
            {
                var rest = text.AsSpan(SatisfiedPrefix.Length);
                var end = rest.IndexOf(' ');
                return (end < 0 ? rest : rest[..end]).ToString();
            }
        }

        return null;
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement? Object(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value.Clone() : null;

    /// <summary>Visible ASCII and spaces only: the value goes into a response header unchanged.</summary>
    private static bool IsHeaderSafe(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
