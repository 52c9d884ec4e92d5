using System.Text.Json.Serialization;

namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>The test app's transfer body; the resource callback reads it, and the endpoint binds it again.</summary>
public sealed record Transfer([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("amount")] decimal Amount, [property: JsonPropertyName("currency")] string Currency = "EUR")
{
    public StepUpResource ToResource() => new("transfer", Id, new Dictionary<string, object?> { ["amount"] = Amount, ["currency"] = Currency });

    public static async ValueTask<StepUpResource?> ResourceAsync(Microsoft.AspNetCore.Http.HttpContext http)
    {
        var transfer = await Microsoft.AspNetCore.Http.HttpRequestJsonExtensions.ReadFromJsonAsync<Transfer>(http.Request, http.RequestAborted);
        return transfer?.ToResource();
    }
}
