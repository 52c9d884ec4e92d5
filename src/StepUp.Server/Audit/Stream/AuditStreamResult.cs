using System.Buffers;
using System.Data.Common;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using StepUp.Core.Audit;
using StepUp.Storage;

namespace StepUp.Server.Audit.Stream;

/// <summary>
/// One live tail. First replays the stored events after the resume seq (when given), then waits on
/// <see cref="IAuditFeed"/> and sends what each commit added; every event is read from the store with
/// the filters, never taken from memory. Each event is <c>id: &lt;seq&gt;</c>, <c>event: &lt;type&gt;</c>,
/// <c>data: &lt;event JSON&gt;</c>; an idle stream gets a comment line every heartbeat interval. Ends
/// when the client disconnects or the server stops.
/// </summary>
internal sealed partial class AuditStreamResult(AuditQuery filter, long? after) : IResult
{
    private const int FlushEvery = 256;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var reader = services.GetRequiredService<IAuditForwardReader>();
        var feed = services.GetRequiredService<IAuditFeed>();
        var time = services.GetRequiredService<TimeProvider>();
        var heartbeatInterval = services.GetRequiredService<IOptions<AuditStreamOptions>>().Value.HeartbeatInterval;
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("StepUp.Audit.Stream");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
        var cancellationToken = cancellation.Token;

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass each event through at once
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var body = response.BodyWriter;
        using var json = new Utf8JsonWriter(System.IO.Stream.Null, WriterOptions);

        var connections = services.GetRequiredService<AuditStreamConnections>();
        connections.Opened();
        long sent = 0;
        try
        {
            var head = await services.GetRequiredService<IAuditReader>().GetHeadAsync(cancellationToken);
            // Without a resume point the tail starts at the end: only events committed from now on.
            var position = after ?? Math.Max(head.Seq, feed.CommittedSeq);
            var target = Math.Max(head.Seq, feed.CommittedSeq);
            body.Write(": stepup audit stream\nretry: 3000\n\n"u8);
            if (!await FlushAsync(body, cancellationToken))
            {
                return;
            }

            LogStarted(logger, position);
            var heartbeat = Task.Delay(heartbeatInterval, time, cancellationToken);
            while (true)
            {
                if (target > position)
                {
                    var pending = 0;
                    await foreach (var evt in reader.ReadForwardAsync(filter, position, target, cancellationToken))
                    {
                        WriteEvent(body, json, evt);
                        sent++;
                        if (++pending % FlushEvery == 0 && !await FlushAsync(body, cancellationToken))
                        {
                            return;
                        }
                    }

                    position = target;
                    if (!await FlushAsync(body, cancellationToken))
                    {
                        return;
                    }
                }

                var commit = feed.WaitForCommitAsync(position, cancellationToken);
                while (await Task.WhenAny(commit, heartbeat) == heartbeat)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }

                    body.Write(": heartbeat\n\n"u8);
                    if (!await FlushAsync(body, cancellationToken))
                    {
                        return;
                    }

                    heartbeat = Task.Delay(heartbeatInterval, time, cancellationToken);
                }

                await commit;
                target = feed.CommittedSeq;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the server is stopping: the normal end of a live tail.
        }
        catch (IOException)
        {
            // The connection broke under a write: also the client going away.
        }
        catch (Exception ex) when (ex is AuditEventFormatException or DbException)
        {
            // Headers are sent; aborting tells the client to reconnect (with Last-Event-ID) later.
            LogReadFailed(logger, ex);
            httpContext.Abort();
        }
        finally
        {
            connections.Closed();
            LogEnded(logger, sent);
        }
    }

    private static void WriteEvent(PipeWriter body, Utf8JsonWriter json, AuditEvent evt)
    {
        body.Write("id: "u8);
        WriteAscii(body, evt.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        body.Write("\nevent: "u8);
        // Types are [a-z0-9_.] (AuditEventDraft checks), so they cannot break the SSE framing.
        WriteAscii(body, evt.Type);
        body.Write("\ndata: "u8);
        // One line: the writer is not indented and escapes every line break inside strings.
        json.Reset(body);
        evt.WriteTo(json);
        json.Flush();
        body.Write("\n\n"u8);
    }

    private static void WriteAscii(PipeWriter body, string text)
    {
        var span = body.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        body.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static async ValueTask<bool> FlushAsync(PipeWriter body, CancellationToken cancellationToken)
    {
        var result = await body.FlushAsync(cancellationToken);
        return !result.IsCanceled && !result.IsCompleted;
    }

    [LoggerMessage(EventId = 430, Level = LogLevel.Debug, Message = "Audit stream started after seq {Seq}")]
    private static partial void LogStarted(ILogger logger, long seq);

    [LoggerMessage(EventId = 431, Level = LogLevel.Debug, Message = "Audit stream ended after {Count} events")]
    private static partial void LogEnded(ILogger logger, long count);

    [LoggerMessage(EventId = 432, Level = LogLevel.Error, Message = "Audit stream stopped: cannot read the stored chain")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
