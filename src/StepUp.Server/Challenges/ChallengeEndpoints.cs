using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Challenges;
using StepUp.Core.Policy;
using StepUp.Core.Security;
using StepUp.Server.Errors;
using StepUp.Server.Http;
using StepUp.Server.Security;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Challenges;

/// <summary>
/// <c>GET /v1/challenges/{id}</c>, <c>POST /v1/challenges/{id}/verify</c> and
/// <c>POST /v1/challenges/{id}/webauthn/options</c> (SPEC §3, §3.2). Another app's challenge is
/// reported as not found.
/// </summary>
internal static class ChallengeEndpoints
{
    public static void MapChallengeEndpoints(this IEndpointRouteBuilder app)
    {
        var challenges = app.MapGroup("/v1/challenges").RequireScope(ApiKeyScopes.Decisions).WithTags("Challenges");
        challenges.MapGet("/{id}", GetAsync).WithName("GetChallenge");
        challenges.MapPost("/{id}/verify", VerifyAsync).WithName("VerifyChallenge");
        challenges.MapPost("/{id}/webauthn/options", WebAuthnOptionsAsync).WithName("ChallengeWebAuthnOptions");
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id, IChallengeStore store, TimeProvider time)
    {
        var challenge = await store.GetAsync(id, http.RequestAborted);
        if (challenge is null || challenge.App != http.Caller().App)
        {
            return Problems.Result(ProblemCode.NotFound, "no such challenge");
        }

        return Results.Json(ToJson(challenge, time.GetUtcNow()), JsonOutput.SerializerOptions);
    }

    private static async Task<IResult> WebAuthnOptionsAsync(HttpContext http, string id, IChallengeStore store, WebAuthnCheck webAuthn, TimeProvider time)
    {
        var challenge = await store.GetAsync(id, http.RequestAborted);
        if (challenge is null || challenge.App != http.Caller().App)
        {
            return Problems.Result(ProblemCode.NotFound, "no such challenge");
        }

        if (challenge.StatusAt(time.GetUtcNow()) != ChallengeStatus.Pending)
        {
            return Problems.Result(ProblemCode.ChallengeNotPending, "the challenge is " + Challenge.StatusName(challenge.StatusAt(time.GetUtcNow())));
        }

        var options = await webAuthn.OptionsAsync(challenge, http.RequestAborted);
        return Results.Json(options.ToJson(), JsonOutput.SerializerOptions);
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, string id, JsonBody body, ChallengeVerifier verifier)
    {
        var (document, problem) = await body.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        VerifyRequest? request;
        using (document)
        {
            var root = document!.RootElement;
            request = RequestJson.Read(() => ReadVerify(root), out problem);
        }

        if (problem is not null)
        {
            return problem;
        }

        if (request is null)
        {
            return Problems.Result(ProblemCode.MalformedVerification, "send { \"method\": \"totp\" | \"recovery_code\", \"code\": \"…\" } or { \"method\": \"webauthn\", \"credential\": {…} }");
        }

        var result = await verifier.VerifyAsync(http.Caller().App, id, request, http.RequestAborted);
        return ToResult(http, result);
    }

    /// <summary>Maps a verification outcome to SPEC §3.2's status codes.</summary>
    public static IResult ToResult(HttpContext http, VerifyResult result)
    {
        switch (result.Status)
        {
            case VerifyStatus.Verified:
                var elevation = result.Elevation!;
                return Results.Json(new JsonObject
                {
                    ["status"] = "verified",
                    ["elevation"] = new JsonObject
                    {
                        ["token"] = result.Token,
                        ["level"] = elevation.Level.ToName(),
                        ["amr"] = new JsonArray(elevation.Amr.Select(a => (JsonNode?)a).ToArray()),
                        ["expires_at"] = AuditTime.ToText(elevation.ExpiresAt),
                    },
                }, JsonOutput.SerializerOptions);
            case VerifyStatus.NotFound:
                return Problems.Result(ProblemCode.NotFound, "no such challenge");
            case VerifyStatus.Expired:
                return Problems.Result(ProblemCode.ChallengeExpired);
            case VerifyStatus.NotPending:
                return Problems.Result(ProblemCode.ChallengeNotPending);
            case VerifyStatus.MethodNotAllowed:
                return Problems.Result(ProblemCode.StepUpMethodNotAllowed, "allowed: " + string.Join(", ", result.Challenge!.Methods.ToNames()));
            case VerifyStatus.ChallengeLocked:
            case VerifyStatus.SubjectLocked:
                http.Response.Headers.RetryAfter = ((long)Math.Ceiling(result.RetryAfter!.Value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Problems.Result(result.Status == VerifyStatus.SubjectLocked ? ProblemCode.SubjectLocked : ProblemCode.ChallengeLocked, extra: writer =>
                {
                    writer.WriteNumber("attempts_left", result.Challenge?.AttemptsLeft ?? 0);
                    if (result.Reason is not null)
                    {
                        writer.WriteString("reason", result.Reason);
                    }
                });
            default:
                return Problems.Result(ProblemCode.WrongAnswer, extra: writer =>
                {
                    writer.WriteNumber("attempts_left", result.Challenge!.AttemptsLeft);
                    writer.WriteString("reason", result.Reason);
                });
        }
    }

    /// <summary>Reads a verify body; null when it is malformed (no method, no code or credential).</summary>
    public static VerifyRequest? ReadVerify(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object ||
            !root.TryGetProperty("method", out var methodJson) || methodJson.ValueKind != JsonValueKind.String ||
            !PolicyNames.TryParseMethod(methodJson.GetString(), out var method))
        {
            return null;
        }

        if (method == StepUpMethods.WebAuthn)
        {
            return root.TryGetProperty("credential", out var credential) && credential.ValueKind == JsonValueKind.Object
                ? new VerifyRequest(method, null, credential.Clone())
                : null;
        }

        return root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString() is { Length: > 0 and <= 64 } text
            ? new VerifyRequest(method, text, null)
            : null;
    }

    public static JsonObject ToJson(Challenge challenge, DateTimeOffset now) => new()
    {
        ["id"] = challenge.Id,
        ["status"] = Challenge.StatusName(challenge.StatusAt(now)),
        ["action"] = challenge.Action,
        ["level"] = challenge.Level.ToName(),
        ["methods"] = new JsonArray(challenge.Methods.ToNames().Select(m => (JsonNode?)m).ToArray()),
        ["available_methods"] = new JsonArray(challenge.AvailableMethods.ToNames().Select(m => (JsonNode?)m).ToArray()),
        ["enrollment_required"] = challenge.AvailableMethods == StepUpMethods.None,
        ["attempts_left"] = challenge.AttemptsLeft,
        ["expires_at"] = AuditTime.ToText(challenge.ExpiresAt),
    };
}
