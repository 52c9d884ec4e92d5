namespace StepUp.Server.ForwardAuth;

/// <summary>
/// A route path pattern over '/'-separated segments: <c>*</c> is exactly one segment, <c>**</c>
/// zero or more (so <c>/admin/**</c> also covers <c>/admin</c> itself), and a <c>*</c> inside a
/// segment matches any characters within it (<c>/files/*.pdf</c>). Matching is ASCII
/// case-insensitive and ignores a trailing slash, because common backends route
/// <c>/API/Transfers/</c> to the same handler as <c>/api/transfers</c>: a route must not be bypassed
/// by a spelling the backend accepts. Runs in O(pattern × path) segments, no backtracking blow-up.
/// </summary>
internal sealed class PathGlob
{
    private const string AnySegments = "**";
    private readonly string[] _segments;

    private PathGlob(string pattern, string[] segments)
    {
        Pattern = pattern;
        _segments = segments;
    }

    public string Pattern { get; }

    public static PathGlob Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new PathGlob(pattern, Segments(pattern));
    }

    /// <summary>Whether the canonical path (from <see cref="PathCanonicalizer"/>) matches.</summary>
    public bool IsMatch(string canonicalPath)
    {
        ArgumentNullException.ThrowIfNull(canonicalPath);
        var path = Segments(canonicalPath);

        // reachable[j]: the pattern so far can consume exactly the first j path segments.
        var reachable = new bool[path.Length + 1];
        reachable[0] = true;
        foreach (var segment in _segments)
        {
            var next = new bool[path.Length + 1];
            for (var j = 0; j <= path.Length; j++)
            {
                if (!reachable[j])
                {
                    continue;
                }

                if (segment == AnySegments)
                {
                    for (var k = j; k <= path.Length; k++)
                    {
                        next[k] = true;
                    }

                    break; // everything from j onwards is now reachable
                }

                if (j < path.Length && SegmentMatches(segment, path[j]))
                {
                    next[j + 1] = true;
                }
            }

            reachable = next;
        }

        return reachable[path.Length];
    }

    public override string ToString() => Pattern;

    /// <summary>The segments after the leading '/', without empty ones (a trailing slash is ignored).</summary>
    private static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Wildcard match within one segment: '*' is any run of characters (a lone '*' needs at least one).</summary>
    private static bool SegmentMatches(string pattern, string value)
    {
        if (pattern == "*")
        {
            return value.Length > 0;
        }

        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] != '*' && EqualsIgnoreAsciiCase(pattern[p], value[v]))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool EqualsIgnoreAsciiCase(char a, char b) =>
        a == b || (char.IsAsciiLetter(a) && (a | 0x20) == (b | 0x20));
}
