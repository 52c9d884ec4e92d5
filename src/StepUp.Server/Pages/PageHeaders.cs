namespace StepUp.Server.Pages;

/// <summary>
/// The headers every hosted-page response carries: a CSP that allows only StepUp's own scripts,
/// styles and fetches and forbids framing (clickjacking), no referrer (the page URL holds a
/// secret), no MIME sniffing and no caching.
/// </summary>
internal static class PageHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY"; // for browsers that predate frame-ancestors
        headers.CacheControl = "no-store";
    }

    /// <summary>Sets the headers before the endpoint runs, so problems and HTML errors carry them too.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        Apply(context.HttpContext.Response);
        return await next(context);
    }
}
