using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Export;
using StepUp.Server.Security;
using StepUp.Storage;

namespace StepUp.Server.Audit.Export;

/// <summary>
/// Streams one export: the events committed when it starts that match the filters, oldest first,
/// formatted one by one straight into the response pipe and flushed every <see cref="FlushEvery"/>
/// events. The pipe's back-pressure holds the reader when the client is slower, so memory stays
/// constant whatever the size. When the stream ends (complete or not) the export is appended as
/// <c>audit.exported</c> with the number of events that left.
/// </summary>
internal sealed partial class AuditExportResult(AuditExportFormat format, AuditFilterParameters filters, ApiCaller caller) : IResult
{
    /// <summary>Events per flush: a few hundred KiB at most in the pipe.</summary>
    public const int FlushEvery = 256;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var reader = services.GetRequiredService<IAuditForwardReader>();
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("StepUp.Audit.Export");
        var cancellationToken = httpContext.RequestAborted;

        // The export covers what is committed now; events appended meanwhile (its own audit.exported
        // included) belong to the next export.
        var head = await services.GetRequiredService<IAuditReader>().GetHeadAsync(cancellationToken);
        using var formatter = format.CreateFormatter();
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = formatter.ContentType;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        response.Headers.ContentDisposition = $"attachment; filename=\"stepup-audit-{stamp}.{formatter.FileExtension}\"";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var body = response.BodyWriter;
        long count = 0;
        long? first = null;
        long? last = null;
        string? failure = null;
        try
        {
            formatter.WriteHeader(body);
            await foreach (var evt in reader.ReadForwardAsync(filters.Query, 0, head.Seq, cancellationToken))
            {
                formatter.Write(evt, body);
                first ??= evt.Seq;
                last = evt.Seq;
                if (++count % FlushEvery == 0 && !await FlushAsync(body, cancellationToken))
                {
                    failure = "client_disconnected";
                    break;
                }
            }

            if (failure is null && !await FlushAsync(body, cancellationToken))
            {
                failure = "client_disconnected";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failure = "client_disconnected";
        }
        catch (IOException)
        {
            // The connection broke under a write.
            failure = "client_disconnected";
        }
        catch (AuditEventFormatException ex)
        {
            // The status line is gone: aborting is the only way to tell the client the file is incomplete.
            failure = "unreadable_event";
            LogReadFailed(logger, ex.Seq, ex);
            httpContext.Abort();
        }
        catch (DbException ex)
        {
            failure = "storage_error";
            LogReadFailed(logger, null, ex);
            httpContext.Abort();
        }

        var formatName = format.Name();
        var summary = new AuditExportSummary
        {
            Format = format,
            Filters = filters.Applied,
            Count = count,
            FirstSeq = first,
            LastSeq = last,
            Completed = failure is null,
            Reason = failure,
        };
        var actor = new JsonObject { ["key_id"] = caller.KeyId, ["app"] = caller.App };
        // Recorded even when the client went away: what left the server is what an auditor asks about.
        await services.GetRequiredService<IAuditAppender>().AppendAsync(summary.ToAuditDraft(caller.App, actor, "http"), CancellationToken.None);
        LogExported(logger, formatName, count, caller.KeyId, failure ?? "completed");
    }

    private static async ValueTask<bool> FlushAsync(System.IO.Pipelines.PipeWriter body, CancellationToken cancellationToken)
    {
        var result = await body.FlushAsync(cancellationToken);
        return !result.IsCanceled && !result.IsCompleted;
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Information, Message = "Audit export ({Format}) of {Count} events for key {KeyId}: {Result}")]
    private static partial void LogExported(ILogger logger, string format, long count, string keyId, string result);

    [LoggerMessage(EventId = 421, Level = LogLevel.Error, Message = "Audit export stopped: cannot read the stored chain (seq {Seq})")]
    private static partial void LogReadFailed(ILogger logger, long? seq, Exception exception);
}
