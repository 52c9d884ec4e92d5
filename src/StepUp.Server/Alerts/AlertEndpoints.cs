using System.Globalization;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Security;
using StepUp.Server.Audit;
using StepUp.Server.Errors;
using StepUp.Server.Security;
using StepUp.Storage;

namespace StepUp.Server.Alerts;

/// <summary>
/// <c>GET /v1/alerts</c>: recent alerts, newest first, read from the <c>alert.raised</c> events of
/// the audit trail (the trail is the one record). Filters <c>since</c>, <c>until</c>, <c>limit</c>
/// (≤ 1000), <c>cursor</c>. A key of an app other than <c>default</c> sees its own app's alerts
/// only (spikes and IP alerts, which belong to no app, are for operator keys).
/// </summary>
internal static class AlertEndpoints
{
    public static void MapAlertEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/alerts", ListAsync).RequireScope(ApiKeyScopes.AuditRead).WithTags("Alerts").WithName("ListAlerts");
    }

    private static async Task<IResult> ListAsync(HttpContext http, IAuditReader reader)
    {
        var q = http.Request.Query;
        var caller = http.Caller();
        if (!AuditEndpoints.TryTime(q["since"], out var since) || !AuditEndpoints.TryTime(q["until"], out var until))
        {
            return Problems.Result(ProblemCode.InvalidQuery, "since/until must be RFC 3339 timestamps");
        }

        var limit = AuditQuery.DefaultLimit;
        if (q.TryGetValue("limit", out var limitText) &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > AuditQuery.MaxLimit))
        {
            return Problems.Result(ProblemCode.InvalidQuery, $"limit must be 1 to {AuditQuery.MaxLimit}");
        }

        AuditPage page;
        try
        {
            page = await reader.QueryAsync(new AuditQuery
            {
                Type = AuditEventTypes.AlertRaised,
                App = caller.App == ApiKeyAuthenticator.DefaultApp ? null : caller.App,
                Since = since,
                Until = until,
                Limit = limit,
                Cursor = q["cursor"],
            }, http.RequestAborted);
        }
        catch (InvalidAuditQueryException ex)
        {
            return Problems.Result(ProblemCode.InvalidQuery, $"invalid {ex.Parameter ?? "query"}");
        }

        var alerts = new JsonArray();
        foreach (var evt in page.Events)
        {
            alerts.Add(ToJson(evt));
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new JsonObject { ["alerts"] = alerts, ["next_cursor"] = page.NextCursor });
    }

    /// <summary>The alert's own fields, with the event's seq and time, app, subject and IP.</summary>
    private static JsonObject ToJson(AuditEvent evt)
    {
        var json = new JsonObject { ["seq"] = evt.Seq, ["time"] = AuditTime.ToText(evt.Time) };
        if (evt.Erased)
        {
            json["erased"] = true;
            return json;
        }

        var payload = evt.Payload;
        if (payload["alert"] is JsonObject alert)
        {
            foreach (var (name, value) in alert)
            {
                json[name] = value?.DeepClone();
            }
        }

        json["severity"] = payload["severity"]?.DeepClone();
        if (payload["app"] is { } app) json["app"] = app.DeepClone();
        if (payload["subject"]?["id"] is { } subject) json["subject"] = subject.DeepClone();
        if (payload["context"]?["ip"] is { } ip) json["ip"] = ip.DeepClone();
        return json;
    }
}
