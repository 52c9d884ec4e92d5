using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Security;
using StepUp.Server.Errors;
using StepUp.Server.Security;
using StepUp.Storage;

namespace StepUp.Server.Audit;

/// <summary>
/// <c>GET /v1/audit/events</c> (filters, cursor paging, newest first) and <c>GET /v1/audit/verify</c>.
/// A key of an app other than the operator app <c>default</c> sees only its own app's events.
/// </summary>
internal static class AuditEndpoints
{
    public static void MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/v1/audit").RequireScope(ApiKeyScopes.AuditRead).WithTags("Audit");
        audit.MapGet("/events", EventsAsync).WithName("ListAuditEvents");
        audit.MapGet("/verify", VerifyAsync).WithName("VerifyAuditChain");
    }

    private static async Task<IResult> EventsAsync(HttpContext http, IAuditReader reader)
    {
        var q = http.Request.Query;
        var caller = http.Caller();
        if (!TryTime(q["since"], out var since) || !TryTime(q["until"], out var until))
        {
            return Problems.Result(ProblemCode.InvalidQuery, "since/until must be RFC 3339 timestamps");
        }

        var limit = AuditQuery.DefaultLimit;
        if (q.TryGetValue("limit", out var limitText) &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > AuditQuery.MaxLimit))
        {
            return Problems.Result(ProblemCode.InvalidQuery, $"limit must be 1 to {AuditQuery.MaxLimit}");
        }

        var query = new AuditQuery
        {
            Type = q["type"],
            Subject = q["subject"],
            Session = q["session"],
            Action = q["action"],
            Outcome = q["outcome"],
            Ip = q["ip"],
            App = caller.App == ApiKeyAuthenticator.DefaultApp ? (string?)q["app"] : caller.App,
            Since = since,
            Until = until,
            Limit = limit,
            Cursor = q["cursor"],
        };

        AuditPage page;
        try
        {
            page = await reader.QueryAsync(query, http.RequestAborted);
        }
        catch (InvalidAuditQueryException ex)
        {
            return Problems.Result(ProblemCode.InvalidQuery, $"invalid {ex.Parameter ?? "query"}");
        }

        return new EventPageResult(page);
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, AuditStoreVerifier verifier, IAuditAppender audit) =>
        Results.Json(await VerifyAndRecordAsync(verifier, audit, http.Caller(), http.RequestAborted));

    /// <summary>Verifies the whole chain and records <c>audit.verified</c>; returns the answer of <c>GET /v1/audit/verify</c>.</summary>
    internal static async Task<JsonObject> VerifyAndRecordAsync(AuditStoreVerifier verifier, IAuditAppender audit, ApiCaller caller, CancellationToken cancellationToken)
    {
        var result = await verifier.VerifyAsync(cancellationToken: cancellationToken);
        var json = new JsonObject
        {
            ["ok"] = result.Ok,
            ["events_verified"] = result.EventsVerified,
            ["last_seq"] = result.LastSeq,
        };
        Checkpoints.CheckpointVerificationJson.AddTo(json, result);
        if (result.FirstBadSeq is { } bad)
        {
            json["first_bad_seq"] = bad;
        }

        if (result.Reason is { } reason)
        {
            json["reason"] = reason;
        }

        await audit.AppendAsync(new AuditEventDraft
        {
            Type = AuditEventTypes.AuditVerified,
            Payload = new JsonObject
            {
                ["outcome"] = result.Ok ? "success" : "failure",
                ["severity"] = result.Ok ? "info" : "critical",
                ["app"] = caller.App,
                ["actor"] = new JsonObject { ["key_id"] = caller.KeyId },
                ["verification"] = json.DeepClone(),
            },
        }, cancellationToken);
        return json;
    }

    /// <summary>RFC 3339 date-times: a 'T', seconds, optional fraction, and a zone (Z or ±hh:mm).</summary>
    private static readonly string[] Rfc3339Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    internal static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParseExact(text, Rfc3339Formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    /// <summary>Streams a page of events as <c>{ "events": [...], "next_cursor": ... }</c>.</summary>
    private sealed class EventPageResult(AuditPage page) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json";
            httpContext.Response.Headers.CacheControl = "no-store";
            await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, Http.JsonOutput.WriterOptions);
            writer.WriteStartObject();
            writer.WriteStartArray("events");
            foreach (var evt in page.Events)
            {
                evt.WriteTo(writer);
            }

            writer.WriteEndArray();
            if (page.NextCursor is null)
            {
                writer.WriteNull("next_cursor");
            }
            else
            {
                writer.WriteString("next_cursor", page.NextCursor);
            }

            writer.WriteEndObject();
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}
