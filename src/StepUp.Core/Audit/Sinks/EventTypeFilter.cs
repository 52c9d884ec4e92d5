using StepUp.Core.Policy;

namespace StepUp.Core.Audit.Sinks;

/// <summary>
/// Which audit event types a sink receives: globs over dotted type names with the policy's action
/// glob rules (<c>*</c> is one segment, <c>**</c> one or more), e.g. <c>decision.*</c>,
/// <c>stepup.**</c>, <c>alert.raised</c>. No pattern means every type.
/// </summary>
public sealed class EventTypeFilter
{
    private static readonly string[] Known = [.. AuditEventTypes.All.Order(StringComparer.Ordinal)];

    private readonly ActionGlob[] _globs;

    private EventTypeFilter(ActionGlob[] globs) => _globs = globs;

    /// <summary>The filter that lets every event through.</summary>
    public static EventTypeFilter All { get; } = new([]);

    /// <summary>Every event type of SPEC §7 and StepUp's <c>admin.action</c> (the list is closed).</summary>
    public static IReadOnlyList<string> KnownTypes => Known;

    /// <summary>The patterns as configured; empty for <see cref="All"/>.</summary>
    public IReadOnlyList<string> Patterns => _globs.Select(g => g.Pattern).ToArray();

    /// <summary>
    /// Builds a filter, adding one message per bad pattern to <paramref name="errors"/>: malformed
    /// globs and globs that match no known event type (a typo, or <c>stepup.*</c> for <c>stepup.**</c>).
    /// </summary>
    /// <returns>The filter, or null when any pattern is bad.</returns>
    public static EventTypeFilter? TryCreate(IEnumerable<string?> patterns, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentNullException.ThrowIfNull(errors);
        var globs = new List<ActionGlob>();
        var ok = true;
        foreach (var pattern in patterns)
        {
            var glob = ActionGlob.TryParse(pattern ?? string.Empty, out var error);
            if (glob is null)
            {
                errors.Add((error ?? "malformed pattern").Replace("action pattern", "event type pattern", StringComparison.Ordinal));
                ok = false;
                continue;
            }

            if (!Known.Any(glob.IsMatch))
            {
                var hint = pattern!.EndsWith(".*", StringComparison.Ordinal) && Known.Any(t => t.StartsWith(pattern[..^1], StringComparison.Ordinal))
                    ? $" ('*' is one segment; did you mean '{pattern}*'?)"
                    : string.Empty;
                errors.Add($"event type pattern '{pattern}' matches no event type{hint}");
                ok = false;
                continue;
            }

            globs.Add(glob);
        }

        return ok ? new EventTypeFilter([.. globs]) : null;
    }

    /// <summary>True when the sink receives events of <paramref name="type"/>.</summary>
    public bool Matches(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_globs.Length == 0)
        {
            return true;
        }

        foreach (var glob in _globs)
        {
            if (glob.IsMatch(type))
            {
                return true;
            }
        }

        return false;
    }
}
