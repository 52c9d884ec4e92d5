using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Factors;
using StepUp.Core.Security;
using StepUp.Server.Errors;
using StepUp.Server.Http;
using StepUp.Server.Security;
using StepUp.Storage;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Factors;

/// <summary>
/// <c>/v1/subjects/{id}</c>: factors (never their secrets), lock state, TOTP and WebAuthn
/// enrolment, recovery codes, removal, unlock and one-time enrolment links (SPEC §3).
/// </summary>
internal static partial class FactorEndpoints
{
    public static void MapFactorEndpoints(this IEndpointRouteBuilder app)
    {
        var subjects = app.MapGroup("/v1/subjects/{subject}").WithTags("Subjects and factors");
        subjects.MapGet("", GetSubjectAsync).RequireScope(ApiKeyScopes.Factors).WithName("GetSubject");
        subjects.MapPost("/unlock", UnlockAsync).RequireScope(ApiKeyScopes.Admin).WithName("UnlockSubject");
        subjects.MapGet("/factors", ListAsync).RequireScope(ApiKeyScopes.Factors).WithName("ListFactors");
        subjects.MapDelete("/factors/{factorId}", RemoveAsync).RequireScope(ApiKeyScopes.Factors).WithName("RemoveFactor");
        subjects.MapPost("/factors/totp", StartTotpAsync).RequireScope(ApiKeyScopes.Factors).WithName("EnrollTotp");
        subjects.MapPost("/factors/totp/{factorId}/activate", ActivateTotpAsync).RequireScope(ApiKeyScopes.Factors).WithName("ActivateTotp");
        subjects.MapPost("/factors/webauthn/options", WebAuthnOptionsAsync).RequireScope(ApiKeyScopes.Factors).WithName("WebAuthnCreationOptions");
        subjects.MapPost("/factors/webauthn", RegisterWebAuthnAsync).RequireScope(ApiKeyScopes.Factors).WithName("RegisterWebAuthn");
        subjects.MapPost("/recovery-codes", RecoveryCodesAsync).RequireScope(ApiKeyScopes.Factors).WithName("NewRecoveryCodes");
        subjects.MapPost("/enrollments", EnrollmentAsync).RequireScope(ApiKeyScopes.Factors).WithName("CreateEnrollmentLink");
    }

    private static async Task<IResult> GetSubjectAsync(HttpContext http, string subject, IFactorStore factors, ISubjectStore subjects, IAuditReader audit, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var key = SubjectKey.For(http.Caller().App, subject);
        var lockout = await subjects.GetAsync(key, http.RequestAborted);
        var recovery = await factors.RecoveryCodeHashesAsync(key, http.RequestAborted);
        var json = new JsonObject
        {
            ["id"] = subject,
            ["factors"] = await FactorsJsonAsync(factors, key, http.RequestAborted),
            ["recovery_codes_left"] = recovery.Count(h => h is not null),
            ["locked"] = lockout.IsLocked(now),
            ["consecutive_failures"] = lockout.ConsecutiveFailures,
            ["recent_devices"] = await RecentDevicesAsync(audit, http.Caller().App, subject, http.RequestAborted),
        };
        if (lockout.IsLocked(now))
        {
            json["locked_until"] = AuditTime.ToText(lockout.LockedUntil!.Value);
        }

        return Results.Json(json, JsonOutput.SerializerOptions);
    }

    /// <summary>
    /// The devices the subject verified step-ups on, most recent first (at most 10), from the
    /// <c>stepup.challenge.verified</c> events of the audit trail: the risk profile keeps only hashes.
    /// </summary>
    private static async Task<JsonArray> RecentDevicesAsync(IAuditReader audit, string app, string subject, CancellationToken cancellationToken)
    {
        var page = await audit.QueryAsync(new AuditQuery { Type = AuditEventTypes.ChallengeVerified, App = app, Subject = subject, Limit = 100 }, cancellationToken);
        var devices = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var evt in page.Events)
        {
            if (evt.Erased || evt.Payload["context"] is not JsonObject context || context["device_id"]?.GetValue<string>() is not { } device || !seen.Add(device))
            {
                continue;
            }

            var entry = new JsonObject { ["device_id"] = device, ["last_verified_at"] = AuditTime.ToText(evt.Time) };
            if (context["user_agent"] is { } ua) entry["user_agent"] = ua.DeepClone();
            if (context["ip"] is { } ip) entry["ip"] = ip.DeepClone();
            if (context["geo"]?["country"] is { } country) entry["country"] = country.DeepClone();
            devices.Add(entry);
            if (devices.Count == 10)
            {
                break;
            }
        }

        return devices;
    }

    private static async Task<IResult> ListAsync(HttpContext http, string subject, IFactorStore factors) =>
        Results.Json(new JsonObject { ["factors"] = await FactorsJsonAsync(factors, SubjectKey.For(http.Caller().App, subject), http.RequestAborted) }, JsonOutput.SerializerOptions);

    private static async Task<IResult> UnlockAsync(HttpContext http, string subject, ISubjectStore subjects, IAuditAppender audit, TimeProvider time)
    {
        var wasLocked = await UnlockSubjectAsync(subjects, audit, time, http.Caller(), subject, adminSubject: null, http.RequestAborted);
        return Results.Json(new JsonObject { ["id"] = subject, ["locked"] = false, ["was_locked"] = wasLocked }, JsonOutput.SerializerOptions);
    }

    /// <summary>Lifts a lockout and records <c>subject.unlocked</c> with who did it (the dashboard adds the admin's subject).</summary>
    internal static async Task<bool> UnlockSubjectAsync(ISubjectStore subjects, IAuditAppender audit, TimeProvider time, ApiCaller caller, string subject,
        string? adminSubject, CancellationToken cancellationToken)
    {
        var wasLocked = await subjects.UnlockAsync(SubjectKey.For(caller.App, subject), time.GetUtcNow(), cancellationToken);
        var actor = new JsonObject { ["key_id"] = caller.KeyId };
        if (adminSubject is not null)
        {
            actor["subject"] = adminSubject;
            actor["via"] = "dashboard";
        }

        await audit.AppendAsync(new AuditEventDraft
        {
            Type = AuditEventTypes.SubjectUnlocked,
            Payload = new JsonObject
            {
                ["outcome"] = "success",
                ["severity"] = "medium",
                ["app"] = caller.App,
                ["subject"] = new JsonObject { ["id"] = subject },
                ["actor"] = actor,
                ["was_locked"] = wasLocked,
            },
        }, cancellationToken);
        return wasLocked;
    }

    private static async Task<IResult> StartTotpAsync(HttpContext http, string subject, FactorEnrollment enrollment, FactorChangeGuard guard)
    {
        if (!await guard.AllowsAsync(http.Caller().App, subject, FactorChangeGuard.EnrollAction, http.Request.Headers[FactorChangeGuard.Header], http.RequestAborted))
        {
            return StepUpRequired(FactorChangeGuard.EnrollAction);
        }

        var name = await OptionalNameAsync(http);
        var totp = await enrollment.StartTotpAsync(http.Caller().App, subject, name, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store"; // the seed is shown once
        return Results.Json(new JsonObject
        {
            ["factor_id"] = totp.FactorId,
            ["secret"] = totp.Secret,
            ["otpauth_uri"] = totp.OtpAuthUri,
            ["qr_svg"] = totp.QrSvg,
        }, JsonOutput.SerializerOptions, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ActivateTotpAsync(HttpContext http, string subject, string factorId, JsonBody body, FactorEnrollment enrollment)
    {
        var (code, problem) = await ReadStringFieldAsync(http, body, "code");
        if (problem is not null)
        {
            return problem;
        }

        return await enrollment.ActivateTotpAsync(http.Caller().App, subject, factorId, code, http.RequestAborted)
            ? Results.Json(new JsonObject { ["factor_id"] = factorId, ["status"] = "active" }, JsonOutput.SerializerOptions)
            : Problems.Result(ProblemCode.EnrollmentFailed, "wrong code, or no pending TOTP factor with this id", extra: w => w.WriteString("reason", "invalid_code"));
    }

    private static async Task<IResult> WebAuthnOptionsAsync(HttpContext http, string subject, FactorEnrollment enrollment, FactorChangeGuard guard)
    {
        if (!await guard.AllowsAsync(http.Caller().App, subject, FactorChangeGuard.EnrollAction, http.Request.Headers[FactorChangeGuard.Header], http.RequestAborted))
        {
            return StepUpRequired(FactorChangeGuard.EnrollAction);
        }

        return Results.Json(await enrollment.WebAuthnOptionsAsync(http.Caller().App, subject, http.RequestAborted), JsonOutput.SerializerOptions);
    }

    private static async Task<IResult> RegisterWebAuthnAsync(HttpContext http, string subject, JsonBody body, FactorEnrollment enrollment, FactorChangeGuard guard)
    {
        if (!await guard.AllowsAsync(http.Caller().App, subject, FactorChangeGuard.EnrollAction, http.Request.Headers[FactorChangeGuard.Header], http.RequestAborted))
        {
            return StepUpRequired(FactorChangeGuard.EnrollAction);
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

            var name = RequestJson.Read(() => root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null, out problem);
            if (problem is not null)
            {
                return problem;
            }

            var (factorId, error) = await enrollment.RegisterWebAuthnAsync(http.Caller().App, subject, credential, name, http.RequestAborted);
            return factorId is not null
                ? Results.Json(new JsonObject { ["factor_id"] = factorId, ["type"] = "webauthn", ["status"] = "active" }, JsonOutput.SerializerOptions, statusCode: StatusCodes.Status201Created)
                : Problems.Result(ProblemCode.EnrollmentFailed, "the registration was refused", extra: w => w.WriteString("reason", error));
        }
    }

    private static async Task<IResult> RecoveryCodesAsync(HttpContext http, string subject, FactorEnrollment enrollment, FactorChangeGuard guard)
    {
        if (!await guard.AllowsAsync(http.Caller().App, subject, FactorChangeGuard.EnrollAction, http.Request.Headers[FactorChangeGuard.Header], http.RequestAborted))
        {
            return StepUpRequired(FactorChangeGuard.EnrollAction);
        }

        var codes = await enrollment.NewRecoveryCodesAsync(http.Caller().App, subject, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store"; // shown once
        return Results.Json(new JsonObject { ["codes"] = new JsonArray(codes.Select(c => (JsonNode?)c).ToArray()) }, JsonOutput.SerializerOptions, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RemoveAsync(HttpContext http, string subject, string factorId, FactorEnrollment enrollment, FactorChangeGuard guard)
    {
        if (!await guard.AllowsAsync(http.Caller().App, subject, FactorChangeGuard.RemoveAction, http.Request.Headers[FactorChangeGuard.Header], http.RequestAborted))
        {
            return StepUpRequired(FactorChangeGuard.RemoveAction);
        }

        return await enrollment.RemoveAsync(http.Caller().App, subject, factorId, http.RequestAborted)
            ? Results.NoContent()
            : Problems.Result(ProblemCode.NotFound, "no such factor");
    }

    private static async Task<IResult> EnrollmentAsync(HttpContext http, string subject, EnrollmentLinks links, FactorChangeGuard guard)
    {
        // A link lets whoever holds it add a factor: it needs what adding a factor needs.
        if (!await guard.AllowsAsync(http.Caller().App, subject, FactorChangeGuard.EnrollAction, http.Request.Headers[FactorChangeGuard.Header], http.RequestAborted))
        {
            return StepUpRequired(FactorChangeGuard.EnrollAction);
        }

        var (url, expiresAt) = await links.CreateAsync(http.Caller().App, subject, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new JsonObject { ["url"] = url, ["expires_at"] = AuditTime.ToText(expiresAt) }, JsonOutput.SerializerOptions, statusCode: StatusCodes.Status201Created);
    }

    private static IResult StepUpRequired(string action) =>
        Problems.Result(ProblemCode.FactorStepUpRequired, $"the subject has a factor already: present an elevation for '{action}' in {FactorChangeGuard.Header}");

    private static async Task<JsonArray> FactorsJsonAsync(IFactorStore factors, string subject, CancellationToken cancellationToken)
    {
        var list = new JsonArray();
        foreach (var f in await factors.ListAsync(subject, cancellationToken))
        {
            var json = new JsonObject
            {
                ["id"] = f.Id,
                ["type"] = Factor.TypeName(f.Type),
                ["name"] = f.Name,
                ["status"] = f.Status == FactorStatus.Active ? "active" : "pending",
                ["created_at"] = AuditTime.ToText(f.CreatedAt),
            };
            if (f.LastUsedAt is { } used)
            {
                json["last_used_at"] = AuditTime.ToText(used);
            }

            if (f.Type == FactorType.WebAuthn)
            {
                json["backup_eligible"] = f.BackupEligible;
                json["sign_count"] = f.SignCount;
            }

            list.Add(json);
        }

        return list;
    }

    private static async Task<string?> OptionalNameAsync(HttpContext http)
    {
        if (http.Request.ContentLength is null or 0)
        {
            return null;
        }

        var body = http.RequestServices.GetRequiredService<JsonBody>();
        var (document, problem) = await body.ReadAsync(http);
        if (problem is not null || document is null)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            return RequestJson.Read(() => root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null, out _);
        }
    }

    private static async Task<(string? Value, IResult? Problem)> ReadStringFieldAsync(HttpContext http, JsonBody body, string field)
    {
        var (document, problem) = await body.ReadAsync(http);
        if (problem is not null)
        {
            return (null, problem);
        }

        using (document)
        {
            var root = document!.RootElement;
            var value = RequestJson.Read(() => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null, out problem);
            if (problem is not null)
            {
                return (null, problem);
            }

            return value is null
                ? (null, Problems.Result(ProblemCode.ValidationFailed, "see errors", [new(field, "is required")]))
                : (value, null);
        }
    }
}
