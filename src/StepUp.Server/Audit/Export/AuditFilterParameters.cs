using System.Globalization;
using StepUp.Core.Audit;
using StepUp.Server.Errors;
using StepUp.Server.Security;
using StepUp.Storage;

namespace StepUp.Server.Audit.Export;

/// <summary>
/// The filters of <c>GET /v1/audit/export</c> and <c>GET /v1/audit/stream</c>, read as
/// <c>GET /v1/audit/events</c> reads them: exact matches on <c>type, subject, session, action, outcome,
/// ip, app</c>, and <c>since</c> (inclusive) / <c>until</c> (exclusive) where allowed. A key of an app
/// other than <c>default</c> is always limited to its own app.
/// </summary>
internal sealed class AuditFilterParameters
{
    private static readonly string[] FilterNames = ["type", "subject", "session", "action", "outcome", "ip", "app"];

    private AuditFilterParameters(AuditQuery query, IReadOnlyDictionary<string, string> applied)
    {
        Query = query;
        Applied = applied;
    }

    /// <summary>The filters as a query (Limit and Cursor unused).</summary>
    public AuditQuery Query { get; }

    /// <summary>Every filter in force, by parameter name, for the audit record.</summary>
    public IReadOnlyDictionary<string, string> Applied { get; }

    /// <summary>Reads the filters; on a bad parameter, returns null and sets <paramref name="problem"/> (a 400).</summary>
    /// <param name="http">The request, after <c>RequireScope</c>.</param>
    /// <param name="timeRange">Whether <c>since</c>/<c>until</c> are accepted.</param>
    /// <param name="extra">Other single-valued parameters of the endpoint (checked for repetition only).</param>
    /// <param name="problem">The 400 problem when null is returned.</param>
    public static AuditFilterParameters? Read(HttpContext http, bool timeRange, IReadOnlyList<string> extra, out IResult? problem)
    {
        var q = http.Request.Query;
        problem = null;
        foreach (var name in FilterNames.Concat(extra).Concat(timeRange ? ["since", "until"] : []))
        {
            if (q.TryGetValue(name, out var values) && values.Count > 1)
            {
                problem = Problems.Result(ProblemCode.InvalidQuery, $"{name} may be given once");
                return null;
            }
        }

        if (!timeRange && (q.ContainsKey("since") || q.ContainsKey("until")))
        {
            problem = Problems.Result(ProblemCode.InvalidQuery, "since/until do not apply here; resume with after or Last-Event-ID");
            return null;
        }

        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Text(string name)
        {
            var value = (string?)q[name];
            if (string.IsNullOrEmpty(value))
            {
                return null;
            }

            applied[name] = value;
            return value;
        }

        DateTimeOffset? since = null;
        DateTimeOffset? until = null;
        if (timeRange)
        {
            if (!TryTime(q["since"], out since) || !TryTime(q["until"], out until))
            {
                problem = Problems.Result(ProblemCode.InvalidQuery, "since/until must be RFC 3339 timestamps");
                return null;
            }

            if (since > until)
            {
                problem = Problems.Result(ProblemCode.InvalidQuery, "since must not be after until");
                return null;
            }

            if (since is { } s)
            {
                applied["since"] = AuditTime.ToText(s);
            }

            if (until is { } u)
            {
                applied["until"] = AuditTime.ToText(u);
            }
        }

        var caller = http.Caller();
        string? app;
        if (caller.App == ApiKeyAuthenticator.DefaultApp)
        {
            app = Text("app");
        }
        else
        {
            app = caller.App;
            applied["app"] = app;
        }

        var query = new AuditQuery
        {
            Type = Text("type"),
            Subject = Text("subject"),
            Session = Text("session"),
            Action = Text("action"),
            Outcome = Text("outcome"),
            Ip = Text("ip"),
            App = app,
            Since = since,
            Until = until,
        };
        return new AuditFilterParameters(query, applied);
    }

    private static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }
}
