using System.Net;
using System.Text.Json.Nodes;

namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>What a client does with the library's answers: read the 401 challenge, complete it, retry with the token.</summary>
public static class StepUpFlow
{
    public const string Aal2Header = "Bearer error=\"insufficient_user_authentication\", error_description=\"A different authentication level is required\", acr_values=\"urn:stepup:aal2\", max_age=\"{0}\"";

    /// <summary>The JSON body of a 401 step-up answer (asserting that it is one).</summary>
    public static async Task<JsonObject> ChallengeOfAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"expected a 401 step-up, got {(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!.AsObject();
        Assert.Equal("insufficient_user_authentication", json["error"]!.GetValue<string>());
        return json;
    }

    /// <summary>
    /// Sends the request without a token, expects a step-up, answers the challenge with the next
    /// recovery code and returns the elevation token.
    /// </summary>
    public static async Task<string> ElevateAsync(StepUpServerFixture fixture, Func<Task<HttpResponseMessage>> send, Queue<string> codes, string? key = null)
    {
        var challenge = await ChallengeOfAsync(await send());
        return await fixture.VerifyAsync(challenge["challenge"]!["id"]!.GetValue<string>(), codes.Dequeue(), key);
    }

    /// <summary>The JSON an allowed endpoint answers (asserting 200).</summary>
    public static async Task<JsonObject> AllowedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
