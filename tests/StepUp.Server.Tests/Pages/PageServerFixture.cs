using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Server.Pages;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Pages;

/// <summary>A browser locator whose answer the test sets (GeoIP is not wired in yet).</summary>
public sealed class FixedBrowserLocator : IBrowserLocator
{
    public string? Country { get; set; }

    string? IBrowserLocator.CountryOf(IPAddress? address) => Country;
}

/// <summary>A server with a fake clock, two allowed return origins and a browser locator the test controls.</summary>
public sealed class PageServerFixture : FakeClockServerFixture
{
    public const string AppOrigin = "https://app.example";

    public FixedBrowserLocator Locator { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("StepUp:AllowedReturnOrigins:0", AppOrigin),
        new("StepUp:AllowedReturnOrigins:1", "http://localhost:3000/"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IBrowserLocator>(Locator));
    }

    /// <summary>A client without an API key, as a browser would be.</summary>
    public HttpClient Browser() => Client(key: null);

    public async Task<JsonObject> DecideAsync(object body)
    {
        var response = await Client().PostAsJsonAsync("/v1/decisions", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Enrols and activates TOTP through the API; returns the base32 secret.</summary>
    public async Task<string> EnrollTotpAsync(string subject)
    {
        var response = await Client().PostAsync($"/v1/subjects/{Uri.EscapeDataString(subject)}/factors/totp", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var enrolment = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var secret = enrolment["secret"]!.GetValue<string>();
        var activate = await Client().PostAsJsonAsync($"/v1/subjects/{Uri.EscapeDataString(subject)}/factors/totp/{enrolment["factor_id"]}/activate",
            new { code = Oathtool.Totp(secret, Clock.Now) });
        Assert.Equal(HttpStatusCode.OK, activate.StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(30)); // the activation code's step is used up
        return secret;
    }

    /// <summary>The challenge id and page secret of a decision's challenge URL (<c>…/challenge/{id}#{secret}</c>).</summary>
    public static (string Id, string Secret) Challenge(JsonObject decision)
    {
        var url = new Uri(decision["challenge"]!["url"]!.GetValue<string>());
        return (url.Segments[^1], url.Fragment.TrimStart('#'));
    }

    /// <summary>POSTs JSON to a page endpoint with the page secret header.</summary>
    public async Task<HttpResponseMessage> PagePostAsync(string path, string? secret, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }) };
        if (secret is not null)
        {
            request.Headers.Add(PageChallenges.SecretHeader, secret);
        }

        return await Browser().SendAsync(request);
    }
}
