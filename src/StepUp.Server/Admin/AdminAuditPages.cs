using System.Text;
using System.Text.Json;
using StepUp.Server.Admin.Components;
using StepUp.Server.Audit.Export;
using StepUp.Server.Errors;
using StepUp.Storage;
using StepUp.Server.Security;

namespace StepUp.Server.Admin;

/// <summary>Live (SSE), the audit explorer (every filter of <c>/v1/audit/events</c>), one event with its chain proof, export.</summary>
internal static class AdminAuditPages
{
    private static readonly string[] Extra = ["cursor", "limit"];

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/live", (HttpContext http) => AdminPages.Page<LivePage>(new { Session = http.AdminSession().Identity, Query = http.Request.QueryString.Value ?? string.Empty }));
        admin.MapGet("/live/stream", Stream);
        admin.MapGet("/audit", ExploreAsync);
        admin.MapGet("/audit/export", Audit.Export.AuditExportEndpoints.Export);
        admin.MapGet("/audit/{seq:long}", EventAsync);
        admin.MapPost("/audit/verify", VerifyAsync).DisableAntiforgery();
    }

    /// <summary>How often an open live stream checks that its session and key are still good.</summary>
    internal static readonly TimeSpan StreamCheckInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The SSE stream of <c>/v1/audit/stream</c>, ended as soon as the session ends (sign-out,
    /// timeout) or its key is revoked: the browser's reconnect then meets the session check.
    /// </summary>
    private static IResult Stream(HttpContext http, AdminSessions sessions, ApiKeyAuthenticator keys)
    {
        var session = http.AdminSession();
        var watch = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        http.Response.RegisterForDispose(watch);
        http.RequestAborted = watch.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                while (!watch.IsCancellationRequested)
                {
                    await Task.Delay(StreamCheckInterval, watch.Token);
                    if (!sessions.IsLive(session) || !AdminSessions.MayUse(await keys.AuthenticateDigestAsync(session.KeyDigest, watch.Token)))
                    {
                        await watch.CancelAsync();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // the stream ended
            }
            catch (ObjectDisposedException)
            {
                // the request finished and disposed the source
            }
            catch (StorageUnavailableException)
            {
                // the key cannot be checked: fail closed, end the stream
                await watch.CancelAsync();
            }
        });
        return Audit.Stream.AuditStreamEndpoints.StreamEvents(http);
    }

    private static async Task<IResult> ExploreAsync(HttpContext http, IAuditReader reader)
    {
        var session = http.AdminSession();
        var filters = AuditFilterParameters.Read(http, timeRange: true, Extra, out _);
        if (filters is null)
        {
            return AdminPages.Error(http, ProblemCode.InvalidQuery, "A filter is invalid: times must be RFC 3339 (2026-11-22T08:00:00Z), since before until, each filter once.");
        }

        AuditPage page;
        try
        {
            page = await reader.QueryAsync(filters.Query with { Limit = 50, Cursor = http.Request.Query["cursor"] }, http.RequestAborted);
        }
        catch (InvalidAuditQueryException ex)
        {
            return AdminPages.Error(http, ProblemCode.InvalidQuery, $"Invalid {ex.Parameter ?? "query"}.");
        }

        var exportQuery = string.Join('&', filters.Applied.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return AdminPages.Page<AuditExplorerPage>(new { Session = session.Identity, Filters = filters.Applied, Page = page, ExportQuery = exportQuery });
    }

    /// <summary>The full verification of <c>GET /v1/audit/verify</c> (recorded as <c>audit.verified</c>), shown as a page.</summary>
    private static async Task<IResult> VerifyAsync(HttpContext http, AuditStoreVerifier verifier, IAuditAppender audit)
    {
        using var lease = Audit.TrailScanGate.TryEnter();
        if (lease is null)
        {
            http.Response.Headers.RetryAfter = "5";
            return AdminPages.Error(http, ProblemCode.TrailScanBusy, "A report, verification or simulation is running; try again in a few seconds.");
        }

        var result = await Audit.AuditEndpoints.VerifyAndRecordAsync(verifier, audit, http.Caller(), http.RequestAborted);
        var ok = result["ok"]!.GetValue<bool>();
        var message = ok
            ? $"The chain verifies: {result["events_verified"]} events, last seq {result["last_seq"]}, {result["checkpoints_verified"]} checkpoint signatures verified."
            : $"The chain does NOT verify: first bad seq {result["first_bad_seq"]}, reason {result["reason"]}.";
        return AdminPages.Page<MessagePage>(new
        {
            Session = http.AdminSession().Identity,
            Title = "Chain verification",
            Message = message,
            Link = "/admin/audit",
            LinkText = "Back to the audit explorer",
        }, ok ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> EventAsync(HttpContext http, long seq, AdminChain chain)
    {
        var proof = await chain.ProofAsync(seq, http.RequestAborted);
        if (proof is null)
        {
            return AdminPages.Error(http, ProblemCode.NotFound, $"No event with seq {seq}.");
        }

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            proof.Event.WriteTo(writer);
        }

        return AdminPages.Page<EventPage>(new { Session = http.AdminSession().Identity, Proof = proof, Json = Encoding.UTF8.GetString(buffer.ToArray()) });
    }
}
