using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Challenges;
using StepUp.Core.Policy;
using StepUp.Server.Challenges;
using StepUp.Server.Errors;
using StepUp.Server.Http;

namespace StepUp.Server.Pages;

/// <summary>
/// The hosted challenge page (SPEC §3): <c>GET /challenge/{id}</c> renders a shell (it knows no
/// secret, so it shows nothing about the challenge); its script reads the page secret from the URL
/// fragment and calls the <c>POST /challenge/{id}/…</c> endpoints with it, which run the same
/// verification as <c>POST /v1/challenges/{id}/verify</c> for the challenge's own app.
/// </summary>
internal sealed class ChallengePageEndpoints(PageChallenges access, ReturnToPolicy returnTo)
{
    public void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/challenge/{id}", Render);
        pages.MapPost("/challenge/{id}/state", StateAsync);
        pages.MapPost("/challenge/{id}/totp", (HttpContext http, string id, JsonBody body, ChallengeVerifier verifier) =>
            AnswerAsync(http, id, StepUpMethods.Totp, body, verifier));
        pages.MapPost("/challenge/{id}/recovery", (HttpContext http, string id, JsonBody body, ChallengeVerifier verifier) =>
            AnswerAsync(http, id, StepUpMethods.RecoveryCode, body, verifier));
        pages.MapPost("/challenge/{id}/webauthn/options", WebAuthnOptionsAsync);
        pages.MapPost("/challenge/{id}/webauthn", (HttpContext http, string id, JsonBody body, ChallengeVerifier verifier) =>
            AnswerAsync(http, id, StepUpMethods.WebAuthn, body, verifier));
    }

    private IResult Render(HttpContext http, string id)
    {
        var query = http.Request.Query["return_to"];
        Uri? target = null;
        if (query.Count > 1 || (query.Count == 1 && (target = returnTo.Check(query[0])) is null))
        {
            return PageHtml.Error(StatusCodes.Status400BadRequest, "Return address not allowed",
                "The application asked to send you back to an address StepUp does not know. Nothing was approved.", ProblemCode.ReturnToNotAllowed.Code);
        }

        var body = new StringBuilder()
            .Append("<main class=\"card\" id=\"challenge\" data-challenge=\"").Append(PageHtml.Encode(id)).Append('"')
            .Append(" data-return-to=\"").Append(PageHtml.Encode(target?.AbsoluteUri)).Append("\">\n")
            .Append(ChallengeMarkup)
            .Append("</main>");
        return PageHtml.Page(StatusCodes.Status200OK, "Confirm it is you", body.ToString(), "common.js", "challenge.js");
    }

    private async Task<IResult> StateAsync(HttpContext http, string id, TimeProvider time)
    {
        var (challenge, refusal) = await access.OpenAsync(http, id);
        if (challenge is null)
        {
            return refusal!;
        }

        var json = ChallengeEndpoints.ToJson(challenge, time.GetUtcNow());
        json["resource"] = challenge.ResourceSummary;
        json["max_attempts"] = challenge.MaxAttempts;
        json["requested_from"] = new JsonObject
        {
            ["ip"] = challenge.ContextIp,
            ["country"] = challenge.ContextCountry,
            ["city"] = challenge.ContextCity,
        };
        return PageJson.Ok(json);
    }

    private async Task<IResult> WebAuthnOptionsAsync(HttpContext http, string id, WebAuthnCheck webAuthn, TimeProvider time)
    {
        var (challenge, refusal) = await access.OpenAsync(http, id);
        if (challenge is null)
        {
            return refusal!;
        }

        var status = challenge.StatusAt(time.GetUtcNow());
        if (status != ChallengeStatus.Pending)
        {
            return Problems.Result(status == ChallengeStatus.Expired ? ProblemCode.ChallengeExpired : ProblemCode.ChallengeNotPending);
        }

        if ((challenge.Methods & challenge.AvailableMethods & StepUpMethods.WebAuthn) == 0)
        {
            return Problems.Result(ProblemCode.StepUpMethodNotAllowed);
        }

        var options = await webAuthn.OptionsAsync(challenge, http.RequestAborted);
        return PageJson.Ok(options.ToJson());
    }

    private async Task<IResult> AnswerAsync(HttpContext http, string id, StepUpMethods method, JsonBody body, ChallengeVerifier verifier)
    {
        var (challenge, refusal) = await access.OpenAsync(http, id);
        if (challenge is null)
        {
            return refusal!;
        }

        var (answer, problem) = await PageJson.ReadAsync(http, body, root => ReadAnswer(root, method));
        if (answer is null)
        {
            return problem!;
        }

        var result = await verifier.VerifyAsync(challenge.App, challenge.Id, answer.Request, http.RequestAborted);
        if (result.Status != VerifyStatus.Verified)
        {
            return ChallengeEndpoints.ToResult(http, result);
        }

        var elevation = result.Elevation!;
        var json = new JsonObject
        {
            ["status"] = "verified",
            ["elevation"] = new JsonObject
            {
                ["token"] = result.Token,
                ["level"] = elevation.Level.ToName(),
                ["amr"] = new JsonArray(elevation.Amr.Select(a => (JsonNode?)a).ToArray()),
                ["expires_at"] = AuditTime.ToText(elevation.ExpiresAt),
            },
        };
        if (answer.ReturnTo is not null)
        {
            json["redirect"] = ReturnToPolicy.WithToken(answer.ReturnTo, result.Token!);
        }
        else
        {
            // No return_to: the page posts the token to its opener, but only to an allowed origin
            // (postMessage with an explicit target origin is dropped for any other opener).
            json["opener_origins"] = new JsonArray(returnTo.Origins.Select(o => (JsonNode?)o).ToArray());
        }

        return PageJson.Ok(json);
    }

    private sealed record PageAnswer(VerifyRequest Request, Uri? ReturnTo);

    private (PageAnswer? Value, IResult? Problem) ReadAnswer(JsonElement root, StepUpMethods method)
    {
        if (!PageJson.TryOptionalString(root, "return_to", out var returnText))
        {
            return (null, Problems.Result(ProblemCode.ValidationFailed, "see errors", [new("return_to", "must be a string")]));
        }

        Uri? target = null;
        if (returnText is not null && (target = returnTo.Check(returnText)) is null)
        {
            return (null, Problems.Result(ProblemCode.ReturnToNotAllowed));
        }

        if (method == StepUpMethods.WebAuthn)
        {
            return root.TryGetProperty("credential", out var credential) && credential.ValueKind == JsonValueKind.Object
                ? (new PageAnswer(new VerifyRequest(method, null, credential.Clone()), target), null)
                : (null, Problems.Result(ProblemCode.MalformedVerification, "send { \"credential\": {AuthenticationResponseJSON} }"));
        }

        return root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString() is { Length: > 0 and <= 64 } text
            ? (new PageAnswer(new VerifyRequest(method, text, null), target), null)
            : (null, Problems.Result(ProblemCode.MalformedVerification, "send { \"code\": \"…\" }"));
    }

    private const string ChallengeMarkup = """
        <h1>Confirm it is you</h1>
        <p class="lead" id="lead">Loading the request…</p>
        <dl class="details" id="details" hidden>
          <dt>Action</dt><dd id="action"></dd>
          <dt>Details</dt><dd id="resource"></dd>
          <dt>Requested from</dt><dd id="place"></dd>
          <dt>Expires</dt><dd id="expires"></dd>
        </dl>
        <p class="notice" id="notice" hidden>Continue only if you started this yourself. If you did not, close this page: nothing happens without you.</p>
        <section id="methods" hidden>
          <div id="passkey" class="method" hidden>
            <button type="button" id="use-passkey" class="primary">Use passkey</button>
          </div>
          <p class="separator" id="or" hidden><span>or</span></p>
          <form id="totp-form" class="method" hidden autocomplete="off">
            <label for="totp-code">Code from your authenticator app</label>
            <div class="row">
              <input id="totp-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>
              <button type="submit">Verify</button>
            </div>
          </form>
          <button type="button" id="show-recovery" class="link" hidden>Use a recovery code instead</button>
          <form id="recovery-form" class="method" hidden autocomplete="off">
            <label for="recovery-code">Recovery code</label>
            <div class="row">
              <input id="recovery-code" name="code" autocomplete="off" maxlength="64" required>
              <button type="submit">Verify</button>
            </div>
          </form>
        </section>
        <p id="message" class="message" role="alert" hidden></p>
        <section id="done" class="done" hidden>
          <h2>Verified</h2>
          <p>You can close this window and return to the application.</p>
        </section>

        """;
}
