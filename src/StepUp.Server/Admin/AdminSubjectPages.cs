using StepUp.Core.Audit;
using StepUp.Core.Challenges;
using StepUp.Core.Factors;
using StepUp.Server.Admin.Components;
using StepUp.Server.Errors;
using StepUp.Server.Factors;
using StepUp.Server.Security;
using StepUp.Storage;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Admin;

/// <summary>A device or place seen for a subject, from its audit events.</summary>
public sealed record SeenContext(string? DeviceId, string? Ip, string? Country, string? City, string? UserAgent, DateTimeOffset LastSeen, long Events);

/// <summary>What the subjects page shows about one subject (never a secret).</summary>
public sealed record SubjectView(
    string App,
    string Subject,
    IReadOnlyList<Factor> Factors,
    int RecoveryCodesLeft,
    SubjectLockout Lockout,
    bool Locked,
    IReadOnlyList<SeenContext> Seen,
    IReadOnlyList<AuditEvent> Elevations);

/// <summary><c>/admin/subjects</c>: factors, devices and places, lock state with unlock (after the admin's step-up), elevation history.</summary>
internal static class AdminSubjectPages
{
    private const int EventScan = 500;

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/subjects", ShowAsync);
        admin.MapPost("/subjects/unlock", UnlockAsync).DisableAntiforgery();
        // The hosted page sends the admin here with the elevation token in the fragment; the empty
        // fragment of the redirect drops it (browsers would otherwise carry it to the next URL).
        admin.MapGet("/stepup/return", (HttpContext http) => Results.Redirect((AdminSignIn.SafeNext(http.AdminSession().ReturnPath) ?? "/admin") + "#"));
    }

    private static async Task<IResult> ShowAsync(HttpContext http, string? app, string? subject, string? unlocked, IFactorStore factors, ISubjectStore subjects,
        IAuditReader reader, TimeProvider time)
    {
        var session = http.AdminSession();
        app = AppFor(app);
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 256)
        {
            return AdminPages.Page<SubjectsPage>(new { Session = session.Identity, App = app });
        }

        var key = SubjectKey.For(app, subject);
        var lockout = await subjects.GetAsync(key, http.RequestAborted);
        var recovery = await factors.RecoveryCodeHashesAsync(key, http.RequestAborted);
        var events = await reader.QueryAsync(new AuditQuery { App = app, Subject = subject, Limit = EventScan }, http.RequestAborted);
        var view = new SubjectView(
            app,
            subject,
            await factors.ListAsync(key, http.RequestAborted),
            recovery.Count(h => h is not null),
            lockout,
            lockout.IsLocked(time.GetUtcNow()),
            Seen(events.Events),
            [.. events.Events.Where(e => e.Type.StartsWith("elevation.", StringComparison.Ordinal)).Take(50)]);
        return AdminPages.Page<SubjectsPage>(new { Session = session.Identity, App = app, View = view, Unlocked = unlocked == "1" });
    }

    private static async Task<IResult> UnlockAsync(HttpContext http, AdminStepUp stepUp, ISubjectStore subjects, IAuditAppender audit, TimeProvider time)
    {
        var session = http.AdminSession();
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var app = AppFor(form["app"]);
        var subject = form["subject"].ToString();
        if (subject.Length is 0 or > 256)
        {
            return AdminPages.Error(http, ProblemCode.ValidationFailed, "Name the subject to unlock.");
        }

        var back = $"/admin/subjects?app={Uri.EscapeDataString(app)}&subject={Uri.EscapeDataString(subject)}";
        var check = await stepUp.CheckAsync(http, session, "subjects.unlock");
        switch (check.Status)
        {
            case AdminStepUpStatus.Required:
                session.ReturnPath = back;
                return Results.Redirect(check.ChallengeUrl!);
            case AdminStepUpStatus.Refused:
                return AdminPages.Error(http, ProblemCode.AdminStepUpUnavailable, "This change needs a step-up, and " + check.Reason + ".");
        }

        var caller = session.Caller with { App = app };
        await FactorEndpoints.UnlockSubjectAsync(subjects, audit, time, caller, subject, session.Subject, http.RequestAborted);
        return Results.Redirect(back + "&unlocked=1");
    }

    /// <summary>The app asked for (dashboard keys are operator keys and may look at any), else <c>default</c>.</summary>
    private static string AppFor(string? requested) =>
        !string.IsNullOrWhiteSpace(requested) && requested.Length <= 128 ? requested : ApiKeyAuthenticator.DefaultApp;

    private static List<SeenContext> Seen(IReadOnlyList<AuditEvent> events)
    {
        var seen = new Dictionary<(string?, string?, string?), SeenContext>();
        foreach (var evt in events)
        {
            if (evt.Erased || evt.Payload["context"] is not System.Text.Json.Nodes.JsonObject context)
            {
                continue;
            }

            var device = context["device_id"]?.ToString();
            var ip = context["ip"]?.ToString();
            var country = context["geo"]?["country"]?.ToString();
            var key = (device, ip, country);
            seen[key] = seen.TryGetValue(key, out var known)
                ? known with { Events = known.Events + 1 }
                : new SeenContext(device, ip, country, context["geo"]?["city"]?.ToString(), context["user_agent"]?.ToString(), evt.Time, 1);
        }

        return [.. seen.Values.OrderByDescending(s => s.LastSeen)];
    }
}
