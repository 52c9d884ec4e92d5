using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using StepUp.AspNetCore.Decisions;

namespace StepUp.AspNetCore.Enforcement;

/// <summary>
/// 401 for a <c>step_up</c> decision: StepUp's RFC 9470 <c>WWW-Authenticate</c> value verbatim, and
/// <c>{ error, challenge, required, decision_id }</c> as JSON so a client can complete the challenge.
/// </summary>
internal sealed class StepUpChallengeResult(DecisionAnswer answer) : IResult
{
    public const string Error = "insufficient_user_authentication";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers[HeaderNames.WWWAuthenticate] = answer.WwwAuthenticate;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("error", Error);
        if (answer.Challenge is { } challenge)
        {
            writer.WritePropertyName("challenge");
            challenge.WriteTo(writer);
        }

        if (answer.Required is { } required)
        {
            writer.WritePropertyName("required");
            required.WriteTo(writer);
        }

        writer.WriteString("decision_id", answer.DecisionId);
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
