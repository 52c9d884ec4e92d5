using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Simulation;
using StepUp.Server.Errors;
using StepUp.Server.Http;
using StepUp.Server.Security;
using StepUp.Storage;

namespace StepUp.Server.Policies;

/// <summary>
/// <c>POST /v1/policy/simulate</c> (SPEC §4.5): replays a candidate policy over the stored
/// <c>decision.evaluated</c> events of a window and reports what would change. An operator key
/// (app <c>default</c>) sees every app, optionally one (<c>app</c>); any other key only its own app.
/// It changes nothing and is not audited (like <c>/v1/policy/validate</c>); each run is logged.
/// </summary>
internal static partial class SimulationEndpoints
{
    /// <summary>Seconds a caller is asked to wait while another simulation runs.</summary>
    public const int RetryAfterSeconds = 5;

    public static RouteHandlerBuilder MapPolicySimulation(this RouteGroupBuilder policy) =>
        policy.MapPost("/simulate", SimulateAsync).WithName("SimulatePolicy");

    private static async Task<IResult> SimulateAsync(HttpContext http, JsonBody body, PolicyHost host, IAuditReader audit, IAuditForwardReader events,
        TimeProvider time, ILoggerFactory loggers)
    {
        var (document, problem) = await body.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new List<FieldError>();
        SimulationRequest? request;
        using (document)
        {
            var root = document!.RootElement;
            request = RequestJson.Read(() => SimulationRequest.Read(root, errors), out problem);
        }

        if (problem is not null)
        {
            return problem;
        }

        if (request is null)
        {
            return Problems.Result(ProblemCode.ValidationFailed, "see errors", errors);
        }

        var loaded = PolicyLoader.Load(request.Policy, "candidate.yaml", host.LoadOptions);
        if (loaded.Policy is not { } candidate)
        {
            return Problems.Result(ProblemCode.PolicyInvalid, "the policy has errors", extra: writer =>
            {
                writer.WritePropertyName("diagnostics");
                PolicySimulationJson.Diagnostics(loaded.Diagnostics).WriteTo(writer);
            });
        }

        var caller = http.Caller();
        var app = caller.App == ApiKeyAuthenticator.DefaultApp ? request.App : caller.App;
        var since = request.Since ?? (request.Until ?? time.GetUtcNow()) - SimulationRequest.DefaultWindow;
        var options = new PolicySimulationOptions
        {
            Since = since,
            Until = request.Until,
            MaxEvents = request.MaxEvents,
            MaxChanges = request.Changes,
            TopSubjects = request.TopSubjects,
        };
        var started = Stopwatch.GetTimestamp();
        var report = await RunAsync(candidate, options, app, audit, events, http.RequestAborted);
        if (report is null)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Result(ProblemCode.SimulationBusy, "another policy simulation is running; retry shortly");
        }

        var elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var scope = app ?? "*";
        var logger = loggers.CreateLogger("StepUp.Policy.Simulation");
        LogSimulated(logger, caller.KeyId, scope, report.Decisions, report.Changed, report.Skipped, report.Truncated, elapsedMs);
        var json = PolicySimulationJson.ToJson(report);
        if (app is not null)
        {
            json["app"] = app;
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(json);
    }

    /// <summary>
    /// Replays the stored decisions of <paramref name="app"/> (all apps when null) in the window of
    /// <paramref name="options"/> with <paramref name="candidate"/>; null when another simulation runs.
    /// </summary>
    internal static async Task<PolicySimulationReport?> RunAsync(CompiledPolicy candidate, PolicySimulationOptions options, string? app,
        IAuditReader audit, IAuditForwardReader events, CancellationToken cancellationToken)
    {
        using var lease = Audit.TrailScanGate.TryEnter();
        if (lease is null)
        {
            return null;
        }

        var query = new AuditQuery { Type = AuditEventTypes.DecisionEvaluated, App = app, Since = options.Since, Until = options.Until };
        // The window ends at what is committed now; decisions made meanwhile belong to the next run.
        var head = await audit.GetHeadAsync(cancellationToken);
        return await new PolicySimulator(candidate, options).RunAsync(
            after => events.ReadForwardAsync(query, after, head.Seq, cancellationToken), progress: null, cancellationToken);
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Information,
        Message = "Policy simulation for key {KeyId} (app {App}): {Decisions} decisions replayed, {Changed} changed, {Skipped} skipped, truncated {Truncated}, {ElapsedMs} ms")]
    private static partial void LogSimulated(ILogger logger, string keyId, string app, long decisions, long changed, long skipped, bool truncated, long elapsedMs);
}
