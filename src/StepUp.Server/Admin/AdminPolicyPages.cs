using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Simulation;
using StepUp.Server.Admin.Components;
using StepUp.Server.Errors;
using StepUp.Server.Policies;
using StepUp.Storage;

namespace StepUp.Server.Admin;

/// <summary>A stored policy version: its <c>policy.loaded</c> event.</summary>
public sealed record PolicyVersion(long Seq, DateTimeOffset LoadedAt, string Version, string Trigger, string? Text);

/// <summary>What the policy page shows; the optional parts come from a diff, a validation or a simulation.</summary>
public sealed record PolicyPageModel
{
    public required string ActiveVersion { get; init; }
    public required DateTimeOffset ActiveLoadedAt { get; init; }
    public required int ActiveRules { get; init; }
    public required string ActiveText { get; init; }
    public required IReadOnlyList<PolicyVersion> History { get; init; }
    public (PolicyVersion From, PolicyVersion To, IReadOnlyList<DiffLine> Lines)? Diff { get; init; }
    public string Candidate { get; init; } = string.Empty;
    public int Days { get; init; } = 7;
    public IReadOnlyList<PolicyDiagnostic>? Diagnostics { get; init; }
    public bool? Valid { get; init; }
    public PolicySimulationReport? Simulation { get; init; }
}

/// <summary><c>/admin/policy</c> (active policy, history, diff, validate, simulate) and <c>/admin/alerts</c>.</summary>
internal static class AdminPolicyPages
{
    private const int MaxPolicyChars = 1 << 20;

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/policy", ShowAsync);
        admin.MapPost("/policy/validate", ValidateAsync).DisableAntiforgery();
        admin.MapPost("/policy/simulate", SimulateAsync).DisableAntiforgery();
        admin.MapGet("/alerts", AlertsAsync);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, long? from, long? to, PolicyHost host, IAuditReader reader)
    {
        var model = await ModelAsync(host, reader, http.RequestAborted);
        if (from is not null && to is not null)
        {
            var a = model.History.FirstOrDefault(v => v.Seq == from);
            var b = model.History.FirstOrDefault(v => v.Seq == to);
            if (a?.Text is null || b?.Text is null)
            {
                return AdminPages.Error(http, ProblemCode.NotFound, "Both versions must be policy.loaded events that carry the policy text.");
            }

            model = model with { Diff = (a, b, TextDiff.Lines(a.Text, b.Text)) };
        }

        return AdminPages.Page<PolicyPage>(new { Session = http.AdminSession().Identity, Model = model });
    }

    private static async Task<IResult> ValidateAsync(HttpContext http, PolicyHost host, IAuditReader reader, AdminAudit audit)
    {
        var session = http.AdminSession();
        var text = await CandidateAsync(http);
        if (text is null)
        {
            return AdminPages.Error(http, ProblemCode.BodyTooLarge, "The candidate policy is larger than 1 MiB.");
        }

        var loaded = PolicyLoader.Load(text, "candidate.yaml", host.LoadOptions);
        await audit.RecordAsync(session, "admin.policy.validate", http.RequestAborted,
            new JsonObject { ["valid"] = loaded.Success, ["version"] = loaded.Policy?.Version });
        var model = await ModelAsync(host, reader, http.RequestAborted) with { Candidate = text, Diagnostics = loaded.Diagnostics, Valid = loaded.Success };
        return AdminPages.Page<PolicyPage>(new { Session = session.Identity, Model = model });
    }

    private static async Task<IResult> SimulateAsync(HttpContext http, PolicyHost host, IAuditReader reader, IAuditForwardReader events, AdminAudit audit, TimeProvider time)
    {
        var session = http.AdminSession();
        var text = await CandidateAsync(http);
        if (text is null)
        {
            return AdminPages.Error(http, ProblemCode.BodyTooLarge, "The candidate policy is larger than 1 MiB.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var days = int.TryParse(form["days"], out var d) && d is 1 or 7 or 30 ? d : 7;
        var model = await ModelAsync(host, reader, http.RequestAborted) with { Candidate = text, Days = days };
        var loaded = PolicyLoader.Load(text, "candidate.yaml", host.LoadOptions);
        if (loaded.Policy is not { } candidate)
        {
            return AdminPages.Page<PolicyPage>(new { Session = session.Identity, Model = model with { Diagnostics = loaded.Diagnostics, Valid = false } });
        }

        // Dashboard keys are operator keys: the replay covers every app.
        var options = new PolicySimulationOptions { Since = time.GetUtcNow().AddDays(-days) };
        var report = await SimulationEndpoints.RunAsync(candidate, options, app: null, reader, events, http.RequestAborted);
        if (report is null)
        {
            http.Response.Headers.RetryAfter = "5";
            return AdminPages.Error(http, ProblemCode.TrailScanBusy, "A report, verification or simulation is running; try again in a few seconds.");
        }

        await audit.RecordAsync(session, "admin.policy.simulate", http.RequestAborted,
            new JsonObject { ["version"] = candidate.Version, ["days"] = days, ["decisions"] = report.Decisions, ["changed"] = report.Changed });
        return AdminPages.Page<PolicyPage>(new { Session = session.Identity, Model = model with { Simulation = report, Valid = true, Diagnostics = loaded.Diagnostics } });
    }

    private static async Task<IResult> AlertsAsync(HttpContext http, IAuditReader reader)
    {
        var alerts = await reader.QueryAsync(new AuditQuery { Type = AuditEventTypes.AlertRaised, Limit = 100 }, http.RequestAborted);
        var deliveries = await reader.QueryAsync(new AuditQuery { Type = AuditEventTypes.AlertDelivery, Limit = 100 }, http.RequestAborted);
        return AdminPages.Page<AlertsPage>(new { Session = http.AdminSession().Identity, Alerts = alerts.Events, Deliveries = deliveries.Events });
    }

    private static async Task<string?> CandidateAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var text = form["policy"].ToString();
        return text.Length > MaxPolicyChars ? null : text;
    }

    private static async Task<PolicyPageModel> ModelAsync(PolicyHost host, IAuditReader reader, CancellationToken cancellationToken)
    {
        var page = await reader.QueryAsync(new AuditQuery { Type = AuditEventTypes.PolicyLoaded, Limit = 50 }, cancellationToken);
        var history = page.Events.Where(e => !e.Erased).Select(e => new PolicyVersion(
            e.Seq,
            e.Time,
            e.Payload["policy_version"]?.ToString() ?? "?",
            e.Payload["policy"]?["trigger"]?.ToString() ?? "?",
            e.Payload["policy"]?["text"]?.ToString())).ToList();
        var active = host.Current;
        return new PolicyPageModel
        {
            ActiveVersion = active.Policy.Version,
            ActiveLoadedAt = active.LoadedAt,
            ActiveRules = active.Policy.Rules.Count,
            ActiveText = active.Policy.Text,
            History = history,
            Candidate = active.Policy.Text,
        };
    }
}
