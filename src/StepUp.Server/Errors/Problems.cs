using System.Text.Json;
using StepUp.Core.Decisions;

namespace StepUp.Server.Errors;

/// <summary>
/// Writes RFC 9457 problem details with a stable <c>code</c>. Messages are generic; specifics
/// (which field, why) are data, never exception text or stack traces.
/// </summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static IResult Result(ProblemCode code, string? detail = null, IReadOnlyList<FieldError>? errors = null, Action<Utf8JsonWriter>? extra = null) =>
        new ProblemResult(code, detail, errors, extra);

    public static async Task WriteAsync(HttpContext context, ProblemCode code, string? detail = null, IReadOnlyList<FieldError>? errors = null, Action<Utf8JsonWriter>? extra = null)
    {
        context.Response.StatusCode = code.Status;
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Http.JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "urn:stepup:problem:" + code.Code);
            writer.WriteString("title", code.Title);
            writer.WriteNumber("status", code.Status);
            writer.WriteString("code", code.Code);
            if (detail is not null)
            {
                writer.WriteString("detail", detail);
            }

            writer.WriteString("instance", context.Request.Path.Value);
            if (errors is { Count: > 0 })
            {
                writer.WriteStartArray("errors");
                foreach (var error in errors)
                {
                    writer.WriteStartObject();
                    writer.WriteString("field", error.Field);
                    writer.WriteString("message", error.Message);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            extra?.Invoke(writer);
            writer.WriteEndObject();
        }

        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    private sealed class ProblemResult(ProblemCode code, string? detail, IReadOnlyList<FieldError>? errors, Action<Utf8JsonWriter>? extra) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => code.Status;

        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, code, detail, errors, extra);
    }
}
