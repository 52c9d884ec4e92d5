using System.Globalization;
using System.Text.Json;
using StepUp.Core.Decisions;
using StepUp.Core.Policy.Simulation;

namespace StepUp.Server.Policies;

/// <summary>
/// The body of <c>POST /v1/policy/simulate</c>: <c>{ "policy": "&lt;YAML&gt;", "since"?, "until"?, "app"?,
/// "max_events"?, "changes"?, "top_subjects"? }</c>, with every wrong field named at once.
/// </summary>
internal sealed record SimulationRequest
{
    /// <summary>How far back the window reaches when <c>since</c> is not given.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);

    public const int MaxChanges = 1_000;
    public const int DefaultChanges = 100;
    public const int MaxTopSubjects = 100;
    public const int DefaultTopSubjects = 10;

    public required string Policy { get; init; }

    /// <summary>Inclusive; null means <see cref="DefaultWindow"/> before <c>until</c> (or now).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Exclusive; null means everything committed when the simulation starts.</summary>
    public DateTimeOffset? Until { get; init; }

    public string? App { get; init; }

    public int MaxEvents { get; init; } = PolicySimulationOptions.DefaultMaxEvents;

    public int Changes { get; init; } = DefaultChanges;

    public int TopSubjects { get; init; } = DefaultTopSubjects;

    /// <summary>Reads the body; returns null and fills <paramref name="errors"/> when a field is wrong.</summary>
    public static SimulationRequest? Read(JsonElement root, List<FieldError> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("$", "the body must be a JSON object"));
            return null;
        }

        string? policy = null;
        if (!root.TryGetProperty("policy", out var policyJson) || policyJson.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new FieldError("policy", "is required"));
        }
        else if (policyJson.ValueKind != JsonValueKind.String)
        {
            errors.Add(new FieldError("policy", "must be a string holding the policy YAML"));
        }
        else
        {
            policy = policyJson.GetString();
        }

        var since = Time(root, "since", errors);
        var until = Time(root, "until", errors);
        if (since is { } s && until is { } u && s > u)
        {
            errors.Add(new FieldError("since", "must not be after until"));
        }

        string? app = null;
        if (root.TryGetProperty("app", out var appJson) && appJson.ValueKind != JsonValueKind.Null)
        {
            app = appJson.ValueKind == JsonValueKind.String && appJson.GetString() is { Length: > 0 and <= 64 } name ? name : null;
            if (app is null)
            {
                errors.Add(new FieldError("app", "must be an app name"));
            }
        }

        var maxEvents = Integer(root, "max_events", 1, PolicySimulationOptions.DefaultMaxEvents, PolicySimulationOptions.DefaultMaxEvents, errors);
        var changes = Integer(root, "changes", 0, MaxChanges, DefaultChanges, errors);
        var top = Integer(root, "top_subjects", 0, MaxTopSubjects, DefaultTopSubjects, errors);
        if (errors.Count > 0 || policy is null)
        {
            return null;
        }

        return new SimulationRequest { Policy = policy, Since = since, Until = until, App = app, MaxEvents = maxEvents, Changes = changes, TopSubjects = top };
    }

    private static DateTimeOffset? Time(JsonElement root, string name, List<FieldError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // RFC 3339 date-time: a date, 'T', a time and a zone (Z or an offset).
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: >= 20 and <= 40 } text && (text[10] is 'T' or 't') &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var time) &&
            (text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-'))
        {
            return time;
        }

        errors.Add(new FieldError(name, "must be an RFC 3339 timestamp such as 2026-11-01T00:00:00Z"));
        return null;
    }

    private static int Integer(JsonElement root, string name, int min, int max, int fallback, List<FieldError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors.Add(new FieldError(name, string.Create(CultureInfo.InvariantCulture, $"must be an integer from {min} to {max}")));
        return fallback;
    }
}
