using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace StepUp.Samples.Bank;

/// <summary>The demo bank's pages: plain server-rendered HTML, every value encoded, one script file.</summary>
internal static class Html
{
    public const string CsrfHeader = "X-CSRF-Token";

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    private static string E(string? text) => Encoder.Encode(text ?? string.Empty);

    private static string Money(decimal amount) => amount.ToString("N2", CultureInfo.InvariantCulture) + " EUR";

    public static IResult Page(string title, string body, string? user, AntiforgeryTokenSet? csrf)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append(" · Demo Bank</title>");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"/app.css\">");
        if (csrf?.RequestToken is { } token)
        {
            html.Append("<meta name=\"csrf-token\" content=\"").Append(E(token)).Append("\">");
        }

        html.Append("<script src=\"/app.js\" defer></script></head><body><header><strong>Demo Bank</strong>");
        if (user is not null)
        {
            html.Append("<nav><a href=\"/\">Account</a> <a href=\"/keys\">API keys</a> <a href=\"/security\">Security</a></nav>");
            html.Append("<form method=\"post\" action=\"/logout\">").Append(Hidden(csrf)).Append("<span>").Append(E(user)).Append("</span> <button>Sign out</button></form>");
        }

        html.Append("</header><main><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    public static string LoginForm(AntiforgeryTokenSet csrf) =>
        "<p>Any name signs you in (this is a demo; StepUp does the step-ups, not the login).</p>" +
        "<form method=\"post\" action=\"/login\">" + Hidden(csrf) +
        "<label for=\"username\">Name</label> <input id=\"username\" name=\"username\" value=\"alice\" autocomplete=\"username\" required> " +
        "<button id=\"sign-in\">Sign in</button></form>";

    public static string Account(Accounts.Account account)
    {
        var html = new StringBuilder();
        html.Append("<p>Balance: <strong id=\"balance\">").Append(Money(account.Balance)).Append("</strong></p>");
        html.Append("<h2>New transfer</h2><p>Transfers of 10,000 EUR or more, and any transfer from a new device, need a step-up.</p>");
        html.Append("<form id=\"transfer\" data-stepup-endpoint=\"/api/transfers\">");
        html.Append("<label for=\"to\">To</label> <input id=\"to\" name=\"to\" value=\"DE89 3704 0044 0532 0130 00\" required> ");
        html.Append("<label for=\"amount\">Amount (EUR)</label> <input id=\"amount\" name=\"amount\" type=\"number\" min=\"1\" step=\"0.01\" required> ");
        html.Append("<button>Send</button></form>");
        html.Append("<p id=\"result\" role=\"status\" aria-live=\"polite\"></p>");
        html.Append("<h2>Transfers</h2><table><thead><tr><th>When</th><th>To</th><th>Amount</th></tr></thead><tbody id=\"transfers\">");
        foreach (var transfer in account.Transfers.Reverse())
        {
            html.Append("<tr><td>").Append(E(transfer.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)))
                .Append("</td><td>").Append(E(transfer.To)).Append("</td><td>").Append(Money(transfer.Amount)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        return html.ToString();
    }

    public static string Keys(Accounts.Account account)
    {
        var html = new StringBuilder("<p>Creating an API key needs a passkey step-up (aal3).</p>");
        html.Append("<form id=\"key\" data-stepup-endpoint=\"/api/keys\"><label for=\"name\">Key name</label> <input id=\"name\" name=\"name\" value=\"reporting\" required> <button>Create key</button></form>");
        html.Append("<p id=\"result\" role=\"status\" aria-live=\"polite\"></p><ul>");
        foreach (var name in account.KeyNames)
        {
            html.Append("<li>").Append(E(name)).Append("</li>");
        }

        return html.Append("</ul>").ToString();
    }

    public static string Security(AntiforgeryTokenSet csrf) =>
        "<p>Set up an authenticator app (scan the QR code) or a passkey on StepUp's enrolment page. " +
        "Changing factors later needs a step-up with the one you have.</p>" +
        "<form method=\"post\" action=\"/security/enroll\" target=\"_blank\">" + Hidden(csrf) + "<button id=\"enroll\">Set up a second factor</button></form>";

    public static string Message(string text) => "<p>" + E(text) + "</p><p><a href=\"/\">Back</a></p>";

    private static string Hidden(AntiforgeryTokenSet? csrf) => csrf?.RequestToken is { } token
        ? "<input type=\"hidden\" name=\"" + E(csrf.FormFieldName) + "\" value=\"" + E(token) + "\">"
        : string.Empty;
}
