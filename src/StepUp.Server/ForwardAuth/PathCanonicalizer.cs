using System.Buffers;
using System.Text.Unicode;

namespace StepUp.Server.ForwardAuth;

/// <summary>A request target split into its canonical path and its raw query (never decoded, never matched).</summary>
internal sealed record CanonicalTarget(string Path, string? Query);

/// <summary>
/// Canonicalises the path of <c>X-Forwarded-Uri</c> so a route cannot be bypassed by spelling the
/// same path another way: percent-decoding (strict UTF-8), dot segments and duplicate slashes. Any
/// spelling that backends could read differently is refused as ambiguous instead of guessed: an
/// encoded <c>/</c> or <c>\</c>, NUL and control characters, invalid or overlong UTF-8, malformed
/// or double (<c>%25xx</c>) escapes, raw backslashes and <c>;</c> path parameters, a path that climbs
/// above the root, and a path whose meaning depends on whether duplicate slashes are merged before
/// or after dot segments are resolved (<c>/a//../b</c>).
/// </summary>
internal static class PathCanonicalizer
{
    /// <summary>Longest accepted request target, in characters.</summary>
    public const int MaxLength = 8192;

    /// <summary>The canonical target, or null with the reason in <paramref name="error"/>.</summary>
    public static CanonicalTarget? Canonicalize(string rawTarget, out string? error)
    {
        ArgumentNullException.ThrowIfNull(rawTarget);
        error = null;
        if (rawTarget.Length > MaxLength)
        {
            error = $"the request target is longer than {MaxLength} characters";
            return null;
        }

        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget.AsSpan() : rawTarget.AsSpan(0, queryStart);
        var query = queryStart < 0 ? null : rawTarget[(queryStart + 1)..];
        if (rawPath.IsEmpty || rawPath[0] != '/')
        {
            error = "the path must start with '/'";
            return null;
        }

        var decoded = Decode(rawPath, out error);
        if (decoded is null)
        {
            return null;
        }

        var segments = decoded.Split('/')[1..];
        var resolvedFirst = Resolve(segments, collapseFirst: false);
        var collapsedFirst = Resolve(segments, collapseFirst: true);
        if (resolvedFirst is null || collapsedFirst is null)
        {
            error = "'..' climbs above the root";
            return null;
        }

        if (!string.Equals(resolvedFirst, collapsedFirst, StringComparison.Ordinal))
        {
            error = "duplicate slashes next to dot segments can be read two ways";
            return null;
        }

        return new CanonicalTarget(collapsedFirst, query);
    }

    private static string? Decode(ReadOnlySpan<char> rawPath, out string? error)
    {
        error = null;
        var bytes = ArrayPool<byte>.Shared.Rent(rawPath.Length);
        try
        {
            var length = 0;
            for (var i = 0; i < rawPath.Length; i++)
            {
                var c = rawPath[i];
                if (c is <= ' ' or >= '\u007f')
                {
                    error = "raw control, space or non-ASCII character";
                    return null;
                }

                if (c is '\\' or ';' or '#')
                {
                    error = c == ';' ? "path parameters (';') are read differently by different servers" : $"raw '{c}' in the path";
                    return null;
                }

                if (c != '%')
                {
                    bytes[length++] = (byte)c;
                    continue;
                }

                if (i + 2 >= rawPath.Length || !char.IsAsciiHexDigit(rawPath[i + 1]) || !char.IsAsciiHexDigit(rawPath[i + 2]))
                {
                    error = "malformed percent escape";
                    return null;
                }

                var b = (byte)((HexValue(rawPath[i + 1]) << 4) | HexValue(rawPath[i + 2]));
                i += 2;
                switch (b)
                {
                    case (byte)'/':
                        error = "encoded '/' (%2F)";
                        return null;
                    case (byte)'\\':
                        error = "encoded '\\' (%5C)";
                        return null;
                    case 0:
                        error = "encoded NUL (%00)";
                        return null;
                    case < 0x20 or 0x7f:
                        error = "encoded control character";
                        return null;
                    case (byte)'%' when i + 2 < rawPath.Length && char.IsAsciiHexDigit(rawPath[i + 1]) && char.IsAsciiHexDigit(rawPath[i + 2]):
                        error = "double percent-encoding (%25xx)";
                        return null;
                    default:
                        bytes[length++] = b;
                        break;
                }
            }

            var chars = new char[length];
            if (Utf8.ToUtf16(bytes.AsSpan(0, length), chars, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                error = "invalid or overlong UTF-8";
                return null;
            }

            foreach (var c in chars.AsSpan(0, written))
            {
                if (c is >= '\u0080' and <= '\u009f')
                {
                    error = "encoded control character";
                    return null;
                }
            }

            return new string(chars, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// RFC 3986 dot-segment removal over the segments after the leading '/', merging duplicate
    /// slashes before (<paramref name="collapseFirst"/>) or after it. Null when '..' climbs above the root.
    /// </summary>
    private static string? Resolve(string[] segments, bool collapseFirst)
    {
        var output = new List<string>(segments.Length);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            if (collapseFirst && segment.Length == 0 && !last)
            {
                continue;
            }

            if (segment is "." or "..")
            {
                if (segment == "..")
                {
                    if (output.Count == 0)
                    {
                        return null;
                    }

                    output.RemoveAt(output.Count - 1);
                }

                if (last)
                {
                    output.Add(string.Empty); // "/a/." and "/a/b/.." name the directory: "/a/"
                }

                continue;
            }

            output.Add(segment);
        }

        if (!collapseFirst)
        {
            // Merge what resolution left: empty segments except a final one (the trailing slash).
            for (var i = output.Count - 2; i >= 0; i--)
            {
                if (output[i].Length == 0)
                {
                    output.RemoveAt(i);
                }
            }
        }

        return "/" + string.Join('/', output);
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
