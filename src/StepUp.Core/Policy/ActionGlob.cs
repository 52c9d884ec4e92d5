namespace StepUp.Core.Policy;

/// <summary>
/// A glob over dot-separated action names: <c>*</c> matches exactly one segment, <c>**</c> one or
/// more; other segments match literally. Matching allocates nothing.
/// </summary>
public sealed class ActionGlob
{
    private readonly string[] _segments;

    private ActionGlob(string pattern, string[] segments)
    {
        Pattern = pattern;
        _segments = segments;
    }

    public string Pattern { get; }

    /// <summary>Parses a glob; returns an error message instead when the pattern is malformed.</summary>
    public static ActionGlob? TryParse(string pattern, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(pattern))
        {
            error = "an action pattern must not be empty";
            return null;
        }

        var segments = pattern.Split('.');
        foreach (var segment in segments)
        {
            if (segment.Length == 0)
            {
                error = $"action pattern '{pattern}' has an empty segment";
                return null;
            }

            if (segment != "*" && segment != "**" && segment.Contains('*', StringComparison.Ordinal))
            {
                error = $"action pattern '{pattern}': '*' and '**' must be whole segments";
                return null;
            }
        }

        return new ActionGlob(pattern, segments);
    }

    public bool IsMatch(string action) => Match(0, action.AsSpan());

    private bool Match(int segmentIndex, ReadOnlySpan<char> rest)
    {
        while (true)
        {
            if (segmentIndex == _segments.Length)
            {
                return rest.IsEmpty;
            }

            if (rest.IsEmpty)
            {
                return false;
            }

            var dot = rest.IndexOf('.');
            var head = dot < 0 ? rest : rest[..dot];
            var tail = dot < 0 ? ReadOnlySpan<char>.Empty : rest[(dot + 1)..];
            if (head.IsEmpty || (dot >= 0 && tail.IsEmpty))
            {
                return false; // "a..b" or "a." are not action names
            }

            var segment = _segments[segmentIndex];
            if (segment == "**")
            {
                // One or more segments: consume head, then either stop here or keep consuming.
                if (Match(segmentIndex + 1, tail))
                {
                    return true;
                }

                if (dot < 0)
                {
                    return false;
                }

                rest = tail;
                continue;
            }

            if (segment != "*" && !head.SequenceEqual(segment))
            {
                return false;
            }

            if (dot < 0)
            {
                return segmentIndex + 1 == _segments.Length;
            }

            segmentIndex++;
            rest = tail;
        }
    }

    public override string ToString() => Pattern;
}
