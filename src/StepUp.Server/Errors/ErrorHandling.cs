using Microsoft.AspNetCore.Diagnostics;

namespace StepUp.Server.Errors;

/// <summary>
/// Turns anything unexpected into a generic problem (never a stack trace), and framework status
/// codes (404, 405, Kestrel's 413) into problems with stable codes.
/// </summary>
internal static partial class ErrorHandling
{
    public static void UseStepUpErrors(this WebApplication app)
    {
        app.UseExceptionHandler(errorApp => errorApp.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var code = error switch
            {
                BadHttpRequestException bad => FromStatus(bad.StatusCode),
                InvalidDataException => ProblemCode.BadRequest, // a form over the reader's limits, or multipart without a boundary
                _ when IsStorageUnavailable(error) => ProblemCode.StorageUnavailable,
                _ => ProblemCode.Internal,
            };
            if (code == ProblemCode.StorageUnavailable)
            {
                // Fail closed: nothing was acknowledged; the client may retry once the database is back.
                context.Response.Headers.RetryAfter = "1";
                LogStorageUnavailable(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("StepUp.Errors"),
                    context.Request.Path.Value ?? string.Empty, error!.GetType().Name);
            }
            else if (code == ProblemCode.Internal)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("StepUp.Errors");
                LogUnhandled(logger, context.Request.Path.Value ?? string.Empty, error);
            }

            await Problems.WriteAsync(context, code);
        }));

        app.UseStatusCodePages(async statusContext =>
        {
            var context = statusContext.HttpContext;
            if (context.Response.HasStarted || context.Response.ContentLength > 0 || context.Response.ContentType is not null)
            {
                return;
            }

            await Problems.WriteAsync(context, FromStatus(context.Response.StatusCode));
        });
    }

    /// <summary>
    /// The database cannot be reached or answered with a transient failure (PostgreSQL down or
    /// restarting, a dropped connection, SQLite busy beyond its timeout): 503, not 500.
    /// </summary>
    private static bool IsStorageUnavailable(Exception? error) => error switch
    {
        null => false,
        StepUp.Storage.StorageUnavailableException => true,
        Npgsql.NpgsqlException npgsql => npgsql.IsTransient || npgsql is Npgsql.PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08006" or "08001" or "08003" or "53300" }
            || npgsql.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException,
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } => true, // SQLITE_BUSY / SQLITE_LOCKED
        TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsStorageUnavailable),
        _ => error.InnerException is { } inner && IsStorageUnavailable(inner),
    };

    private static ProblemCode FromStatus(int status) => status switch
    {
        StatusCodes.Status404NotFound => ProblemCode.NotFound,
        StatusCodes.Status405MethodNotAllowed => ProblemCode.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => ProblemCode.BodyTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ProblemCode.UnsupportedMediaType,
        StatusCodes.Status401Unauthorized => ProblemCode.Unauthenticated,
        StatusCodes.Status400BadRequest => ProblemCode.BadRequest,
        _ when status >= 500 => ProblemCode.Internal,
        _ => ProblemCode.BadRequest,
    };

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Storage unavailable on {Path} ({Error}): answered 503")]
    private static partial void LogStorageUnavailable(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, string path, Exception? exception);
}
