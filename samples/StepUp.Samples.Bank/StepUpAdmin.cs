using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace StepUp.Samples.Bank;

/// <summary>
/// The bank's calls to StepUp's factor API: an enrolment link for the signed-in user, opened on
/// StepUp's hosted page (scan the QR code with an authenticator app, or add a passkey).
/// </summary>
internal sealed class StepUpAdmin(HttpClient client, IConfiguration configuration)
{
    /// <summary>The hosted enrolment page for <paramref name="user"/>, or null when StepUp refused (e.g. a factor exists already).</summary>
    public async Task<Uri?> EnrollmentLinkAsync(string user, CancellationToken cancellationToken)
    {
        var authority = new Uri(configuration["StepUp:Authority"] ?? "http://localhost:8080");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(authority, $"/v1/subjects/{Uri.EscapeDataString(user)}/enrollments"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", configuration["StepUp:ApiKey"]);
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var link = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["url"]!.GetValue<string>();
        return new Uri(authority, link);
    }
}
