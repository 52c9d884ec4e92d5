using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Errors;
using StepUp.Server.Factors;
using StepUp.Server.Http;

namespace StepUp.Server.Pages;

/// <summary>
/// The hosted enrolment page, <c>/enroll/{token}</c> (a one-time link from
/// <c>POST /v1/subjects/{id}/enrollments</c>, valid 30 minutes): the user registers a passkey or
/// an authenticator app. The link is used up by the first factor enrolled through it. The link
/// carries the authority to add a factor: creating one for a subject that has a factor already
/// needs a fresh <c>factors.enroll</c> elevation (SPEC §3.2), checked by the API when the link is made.
/// </summary>
internal static class EnrollPageEndpoints
{
    public static void MapEnrollPage(this RouteGroupBuilder pages)
    {
        pages.MapGet("/enroll/{token}", RenderAsync);
        pages.MapPost("/enroll/{token}/totp", StartTotpAsync);
        pages.MapPost("/enroll/{token}/totp/{factorId}/activate", ActivateTotpAsync);
        pages.MapPost("/enroll/{token}/webauthn/options", WebAuthnOptionsAsync);
        pages.MapPost("/enroll/{token}/webauthn", RegisterWebAuthnAsync);
    }

    private sealed record Link(string SubjectId, string App);

    private static async Task<IResult> RenderAsync(HttpContext http, string token, EnrollmentLinks links)
    {
        var (link, refusal) = await OpenAsync(http, token, links, html: true);
        if (link is null)
        {
            return refusal!;
        }

        var body = new StringBuilder()
            .Append("<main class=\"card\" id=\"enroll\" data-token=\"").Append(PageHtml.Encode(token)).Append("\">\n")
            .Append("<h1>Set up step-up verification</h1>\n")
            .Append("<p class=\"lead\">For <strong id=\"subject\">").Append(PageHtml.Encode(link.SubjectId)).Append("</strong>. ")
            .Append("Choose how you will confirm sensitive actions from now on.</p>\n")
            .Append(EnrollMarkup)
            .Append("</main>");
        return PageHtml.Page(StatusCodes.Status200OK, "Set up verification", body.ToString(), "common.js", "enroll.js");
    }

    private static async Task<IResult> StartTotpAsync(HttpContext http, string token, EnrollmentLinks links, FactorEnrollment enrollment)
    {
        var (link, refusal) = await OpenAsync(http, token, links, html: false);
        if (link is null)
        {
            return refusal!;
        }

        var totp = await enrollment.StartTotpAsync(link.App, link.SubjectId, null, http.RequestAborted);
        return PageJson.Ok(new JsonObject
        {
            ["factor_id"] = totp.FactorId,
            ["secret"] = totp.Secret,
            ["otpauth_uri"] = totp.OtpAuthUri,
            ["qr"] = "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(totp.QrSvg)),
        }, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ActivateTotpAsync(HttpContext http, string token, string factorId, JsonBody body, EnrollmentLinks links, FactorEnrollment enrollment)
    {
        var (link, refusal) = await OpenAsync(http, token, links, html: false);
        if (link is null)
        {
            return refusal!;
        }

        var (code, problem) = await PageJson.ReadAsync(http, body, root =>
            root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() is { Length: > 0 and <= 64 } text
                ? (text, null)
                : ((string?)null, Problems.Result(ProblemCode.ValidationFailed, "see errors", [new("code", "is required")])));
        if (code is null)
        {
            return problem!;
        }

        if (!await enrollment.ActivateTotpAsync(link.App, link.SubjectId, factorId, code, http.RequestAborted))
        {
            return Problems.Result(ProblemCode.EnrollmentFailed, "wrong code", extra: w => w.WriteString("reason", "invalid_code"));
        }

        return await UseLinkAsync(http, token, link, factorId, links, enrollment) ?? PageJson.Ok(new JsonObject { ["factor_id"] = factorId, ["type"] = "totp", ["status"] = "active" });
    }

    private static async Task<IResult> WebAuthnOptionsAsync(HttpContext http, string token, EnrollmentLinks links, FactorEnrollment enrollment)
    {
        var (link, refusal) = await OpenAsync(http, token, links, html: false);
        return link is null ? refusal! : PageJson.Ok(await enrollment.WebAuthnOptionsAsync(link.App, link.SubjectId, http.RequestAborted));
    }

    private static async Task<IResult> RegisterWebAuthnAsync(HttpContext http, string token, JsonBody body, EnrollmentLinks links, FactorEnrollment enrollment)
    {
        var (link, refusal) = await OpenAsync(http, token, links, html: false);
        if (link is null)
        {
            return refusal!;
        }

        var (document, problem) = await body.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("credential", out var credential) || credential.ValueKind != JsonValueKind.Object)
            {
                return Problems.Result(ProblemCode.ValidationFailed, "see errors", [new("credential", "is required: a RegistrationResponseJSON object")]);
            }

            var name = RequestJson.Read(() => PageJson.TryOptionalString(root, "name", out var n) ? n : null, out problem);
            if (problem is not null)
            {
                return problem;
            }

            var (factorId, error) = await enrollment.RegisterWebAuthnAsync(link.App, link.SubjectId, credential, name, http.RequestAborted);
            if (factorId is null)
            {
                return Problems.Result(ProblemCode.EnrollmentFailed, "the registration was refused", extra: w => w.WriteString("reason", error));
            }

            return await UseLinkAsync(http, token, link, factorId, links, enrollment) ??
                   PageJson.Ok(new JsonObject { ["factor_id"] = factorId, ["type"] = "webauthn", ["status"] = "active" }, StatusCodes.Status201Created);
        }
    }

    /// <summary>The link of a valid (unused, unexpired) token; otherwise a 404 page or problem.</summary>
    private static async Task<(Link? Link, IResult? Refusal)> OpenAsync(HttpContext http, string token, EnrollmentLinks links, bool html)
    {
        if (token.Length is 0 or > 128 || await links.FindAsync(token, http.RequestAborted) is not { } found)
        {
            return (null, html
                ? PageHtml.Error(StatusCodes.Status404NotFound, "Link not valid", "This enrolment link is unknown, used or expired. Ask the application for a new one.", ProblemCode.NotFound.Code)
                : Problems.Result(ProblemCode.NotFound));
        }

        return (new Link(found.SubjectId, found.App), null);
    }

    /// <summary>
    /// Marks the link used after its first factor. When a concurrent request used it first, the
    /// factor just added is removed again, so one link never enrols two factors.
    /// </summary>
    private static async Task<IResult?> UseLinkAsync(HttpContext http, string token, Link link, string factorId, EnrollmentLinks links, FactorEnrollment enrollment)
    {
        if (await links.UseAsync(token, http.RequestAborted))
        {
            return null;
        }

        await enrollment.RemoveAsync(link.App, link.SubjectId, factorId, http.RequestAborted);
        return Problems.Result(ProblemCode.NotFound);
    }

    private const string EnrollMarkup = """
        <section id="choices" class="choices">
          <div class="method" id="passkey" hidden>
            <h2>Passkey</h2>
            <p>Confirm with this device's screen lock or a security key. The strongest option.</p>
            <button type="button" id="add-passkey" class="primary">Add a passkey</button>
          </div>
          <div class="method">
            <h2>Authenticator app</h2>
            <p>Type a 6-digit code from an app such as a password manager or authenticator.</p>
            <button type="button" id="start-totp">Set up an authenticator app</button>
          </div>
        </section>
        <section id="totp" class="method" hidden>
          <h2>Scan this code</h2>
          <p>Scan the QR code with your authenticator app, or type the key in by hand.</p>
          <img id="totp-qr" class="qr" alt="QR code of the authenticator key" width="200" height="200">
          <p class="secret"><code id="totp-secret"></code></p>
          <form id="totp-form" autocomplete="off">
            <label for="totp-code">Then enter the code the app shows</label>
            <div class="row">
              <input id="totp-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>
              <button type="submit" class="primary">Confirm</button>
            </div>
          </form>
        </section>
        <p id="message" class="message" role="alert" hidden></p>
        <section id="done" class="done" hidden>
          <h2>All set</h2>
          <p>You will be asked for this when you do something sensitive. You can close this window.</p>
        </section>

        """;
}
