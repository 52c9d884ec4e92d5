using System.Globalization;
using StepUp.Core.Security;
using StepUp.Server.Audit.Export;
using StepUp.Server.Errors;
using StepUp.Server.Security;

namespace StepUp.Server.Audit.Stream;

/// <summary>
/// <c>GET /v1/audit/stream</c>: the live tail as Server-Sent Events, with the filters of
/// <c>/v1/audit/events</c> (see <see cref="AuditStreamResult"/>). Resumes after the seq in the
/// <c>Last-Event-ID</c> header (what <c>EventSource</c> sends on reconnect) or in <c>?after=</c>.
/// </summary>
internal static class AuditStreamEndpoints
{
    private static readonly string[] Extra = ["after"];

    public static IEndpointRouteBuilder MapAuditStreamEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/audit").RequireScope(ApiKeyScopes.AuditRead).WithTags("Audit")
            .MapGet("/stream", StreamEvents).WithName("StreamAuditEvents");
        return app;
    }

    internal static IResult StreamEvents(HttpContext http)
    {
        var filters = AuditFilterParameters.Read(http, timeRange: false, Extra, out var problem);
        if (filters is null)
        {
            return problem!;
        }

        long? after = null;
        var lastEventId = http.Request.Headers["Last-Event-ID"];
        if (lastEventId.Count > 0)
        {
            // The header is the client's own memory of what it saw, so it wins over the URL's ?after=.
            if (!TrySeq(lastEventId, out var seq))
            {
                return Problems.Result(ProblemCode.InvalidQuery, "Last-Event-ID must be the seq of an event (an integer >= 0)");
            }

            after = seq;
        }
        else if (http.Request.Query.TryGetValue("after", out var afterText))
        {
            if (!TrySeq(afterText, out var seq))
            {
                return Problems.Result(ProblemCode.InvalidQuery, "after must be a seq (an integer >= 0)");
            }

            after = seq;
        }

        return new AuditStreamResult(filters.Query, after);
    }

    private static bool TrySeq(Microsoft.Extensions.Primitives.StringValues text, out long seq)
    {
        seq = 0;
        return text.Count == 1 && text[0] is { Length: > 0 and <= 19 } value &&
               long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }
}
