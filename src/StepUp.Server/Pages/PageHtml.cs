using System.Text;
using System.Text.Encodings.Web;

namespace StepUp.Server.Pages;

/// <summary>
/// Server-rendered HTML of the hosted pages. Every dynamic value goes through
/// <see cref="HtmlEncoder"/>; scripts and styles are separate files (the CSP allows no inline code).
/// Asset links are relative, so the pages also work behind a proxy that adds a path prefix.
/// </summary>
internal static class PageHtml
{
    public const string ContentType = "text/html; charset=utf-8";

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

    /// <summary>A whole page: <paramref name="body"/> is trusted markup built with <see cref="Encode"/>.</summary>
    public static IResult Page(int status, string title, string body, params string[] scripts)
    {
        var html = new StringBuilder(2048);
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"robots\" content=\"noindex, nofollow\">\n")
            .Append("<title>").Append(Encode(title)).Append(" · StepUp</title>\n")
            .Append("<link rel=\"icon\" href=\"data:,\">\n")
            .Append("<link rel=\"stylesheet\" href=\"../pages/assets/pages.css\">\n");
        foreach (var script in scripts)
        {
            html.Append("<script src=\"../pages/assets/").Append(Encode(script)).Append("\" defer></script>\n");
        }

        html.Append("</head>\n<body>\n").Append(body)
            .Append("\n<footer class=\"footer\">Secured by StepUp</footer>\n</body>\n</html>\n");
        return Results.Content(html.ToString(), ContentType, Encoding.UTF8, status);
    }

    /// <summary>A plain error page (no script): a title and one sentence.</summary>
    public static IResult Error(int status, string title, string message, string? code = null)
    {
        var body = new StringBuilder()
            .Append("<main class=\"card\">\n<h1>").Append(Encode(title)).Append("</h1>\n<p>").Append(Encode(message)).Append("</p>\n");
        if (code is not null)
        {
            body.Append("<p class=\"muted\">Error ").Append(Encode(code)).Append("</p>\n");
        }

        body.Append("</main>");
        return Page(status, title, body.ToString());
    }
}
