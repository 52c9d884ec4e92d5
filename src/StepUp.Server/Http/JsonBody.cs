using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using StepUp.Server.Errors;
using StepUp.Server.Hosting;

namespace StepUp.Server.Http;

/// <summary>
/// Reads a JSON request body within the size limit and turns every way it can be wrong into a
/// problem: wrong media type (415), too large (413), not JSON (400), not UTF-8 (422).
/// </summary>
internal sealed class JsonBody(IOptions<StepUpServerOptions> options)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 24 };

    private readonly long _maxBytes = options.Value.MaxRequestBytes;

    public async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            return (null, Problems.Result(ProblemCode.UnsupportedMediaType, "send Content-Type: application/json"));
        }

        if (request.ContentLength > _maxBytes)
        {
            return (null, TooLarge());
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = _maxBytes;
        }

        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and < 65536 ? (int)request.ContentLength.Value : 4096);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(4096);
                var read = await request.Body.ReadAsync(memory, context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > _maxBytes)
                {
                    return (null, TooLarge());
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }

        if (!Utf8.IsValid(buffer.WrittenSpan))
        {
            return (null, Problems.Result(ProblemCode.InvalidUnicode, "the body is not valid UTF-8"));
        }

        try
        {
            return (JsonDocument.Parse(buffer.WrittenMemory, DocumentOptions), null);
        }
        catch (JsonException)
        {
            return (null, Problems.Result(ProblemCode.MalformedJson, "the body is not well-formed JSON"));
        }
    }

    private IResult TooLarge() =>
        Problems.Result(ProblemCode.BodyTooLarge, $"the body exceeds {_maxBytes} bytes");

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        mediaType = mediaType.Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
