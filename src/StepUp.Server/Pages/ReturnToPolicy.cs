namespace StepUp.Server.Pages;

/// <summary>
/// Where a hosted page may send the user back to (<c>return_to</c>): an absolute http(s) URL whose
/// origin (scheme, host, port) equals one of <c>StepUp:AllowedReturnOrigins</c> exactly, with no
/// userinfo, no fragment (StepUp adds its own) and nothing a browser could parse differently from
/// .NET (backslashes, whitespace, control or non-ASCII characters). Anything else is refused, so
/// the pages are never an open redirect.
/// </summary>
internal sealed class ReturnToPolicy
{
    public const int MaxLength = 2048;

    private readonly List<(string Scheme, string Host, int Port)> _origins = [];

    /// <param name="allowedOrigins">Configured origins; entries that are not a bare http(s) origin are ignored.</param>
    public ReturnToPolicy(IEnumerable<string> allowedOrigins)
    {
        foreach (var entry in allowedOrigins)
        {
            if (TryParse(entry?.TrimEnd('/'), out var origin) && origin.AbsolutePath == "/" && origin.Query.Length == 0)
            {
                _origins.Add((origin.Scheme, origin.IdnHost, origin.Port));
            }
        }
    }

    /// <summary>The allowed origins, normalised (<c>https://app.example:8443</c>).</summary>
    public IReadOnlyList<string> Origins => _origins.Select(o => new UriBuilder(o.Scheme, o.Host, o.Port).Uri.GetLeftPart(UriPartial.Authority)).ToList();

    /// <summary>The URL to send the user to, normalised, or null when <paramref name="returnTo"/> is not allowed.</summary>
    public Uri? Check(string? returnTo)
    {
        if (!TryParse(returnTo, out var uri))
        {
            return null;
        }

        foreach (var (scheme, host, port) in _origins)
        {
            if (uri.Scheme == scheme && uri.Port == port && string.Equals(uri.IdnHost, host, StringComparison.OrdinalIgnoreCase))
            {
                return uri;
            }
        }

        return null;
    }

    /// <summary>The redirect after a verification: <paramref name="returnTo"/> with the token in the fragment.</summary>
    public static string WithToken(Uri returnTo, string token) =>
        returnTo.AbsoluteUri + "#stepup_token=" + Uri.EscapeDataString(token);

    private static bool TryParse(string? text, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is <= ' ' or > '~' or '\\' or '#')
            {
                return false;
            }
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) ||
            (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp) ||
            parsed.UserInfo.Length > 0 || AuthorityHasAt(text, parsed.Scheme.Length) ||
            parsed.HostNameType is UriHostNameType.Unknown or UriHostNameType.Basic)
        {
            return false;
        }

        uri = parsed;
        return true;
    }

    /// <summary>True when an '@' appears before the path starts (userinfo, even an empty one).</summary>
    private static bool AuthorityHasAt(string text, int schemeLength)
    {
        var authority = text.AsSpan(schemeLength).TrimStart(":/");
        var end = authority.IndexOfAny("/?");
        return (end < 0 ? authority : authority[..end]).Contains('@');
    }
}
