using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Errors;
using StepUp.Server.Http;

namespace StepUp.Server.Pages;

/// <summary>
/// JSON for the pages' scripts: written with the default (strict) encoder, so <c>&lt;</c>, <c>&gt;</c>,
/// <c>&amp;</c> and quotes are <c>\u</c>-escaped even though the scripts only ever use
/// <c>textContent</c>; and the small bodies the scripts send.
/// </summary>
internal static class PageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static IResult Ok(JsonNode json, int status = StatusCodes.Status200OK) => Results.Json(json, Options, statusCode: status);

    /// <summary>Reads a JSON object body and hands its root to <paramref name="read"/> (which may fail with a problem).</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext http, JsonBody body, Func<JsonElement, (T? Value, IResult? Problem)> read)
        where T : class
    {
        var (document, problem) = await body.ReadAsync(http);
        if (problem is not null)
        {
            return (null, problem);
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, Problems.Result(ProblemCode.ValidationFailed, "send a JSON object"));
            }

            var holder = RequestJson.Read(() => new Holder<T>(read(root)), out problem);
            return problem is not null ? (null, problem) : holder!.Result;
        }
    }

    /// <summary>An optional string member; a member of another type is an error.</summary>
    public static bool TryOptionalString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return true;
    }

    private sealed record Holder<T>((T? Value, IResult? Problem) Result)
        where T : class;
}
