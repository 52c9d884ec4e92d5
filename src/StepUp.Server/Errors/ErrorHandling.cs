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
            var code = error is BadHttpRequestException bad ? FromStatus(bad.StatusCode) : ProblemCode.Internal;
            if (code == ProblemCode.Internal)
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

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, string path, Exception? exception);
}
