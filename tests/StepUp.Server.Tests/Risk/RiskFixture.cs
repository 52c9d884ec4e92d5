using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Risk;

/// <summary>
/// A fake-clock server with MaxMind's City test database and one alert webhook pointing at a real
/// receiver on loopback that checks the signature itself.
/// </summary>
public sealed class RiskFixture : FakeClockServerFixture
{
    public const string WebhookSecret = "alert-webhook-secret-0123456789";

    public RiskFixture()
    {
        Receiver = WebhookReceiver.StartAsync(WebhookSecret, Clock).GetAwaiter().GetResult();
    }

    internal WebhookReceiver Receiver { get; }

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("StepUp:GeoIp:CityDatabase", Path.Combine(AppContext.BaseDirectory, "geoip", "GeoIP2-City-Test.mmdb")),
        new("StepUp:Alerts:Webhooks:0:Url", Receiver.Url.ToString()),
        new("StepUp:Alerts:Webhooks:0:Secret", WebhookSecret),
    ];

    public async Task<JsonObject> DecideAsync(object body)
    {
        var response = await Client().PostAsJsonAsync("/v1/decisions", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> VerifyAsync(string challengeId, string code)
    {
        var response = await Client().PostAsJsonAsync($"/v1/challenges/{challengeId}/verify", new { method = "totp", code });
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    /// <summary>Enrols TOTP for a subject and returns its secret (the activation step is then used up).</summary>
    public async Task<string> EnrollTotpAsync(string subject)
    {
        var enrolment = (await (await Client().PostAsync($"/v1/subjects/{subject}/factors/totp", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        var secret = enrolment["secret"]!.GetValue<string>();
        var activate = await Client().PostAsJsonAsync($"/v1/subjects/{subject}/factors/totp/{enrolment["factor_id"]}/activate",
            new { code = Oathtool.Totp(secret, Clock.Now) });
        Assert.Equal(HttpStatusCode.OK, activate.StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(30));
        return secret;
    }

    /// <summary>A six-digit code that is not the valid one (nor its neighbours) at the current time.</summary>
    public string WrongCode(string secret)
    {
        var valid = new[] { -30, 0, 30 }.Select(s => Oathtool.Totp(secret, Clock.Now.AddSeconds(s))).ToHashSet();
        return Enumerable.Range(0, 10).Select(i => $"{i}{i}{i}{i}{i}{i}").First(c => !valid.Contains(c));
    }

    /// <summary>The alerts of <c>GET /v1/alerts</c>, newest first.</summary>
    public async Task<List<JsonObject>> AlertsAsync() =>
        (await Client().GetFromJsonAsync<JsonObject>("/v1/alerts?limit=1000"))!["alerts"]!.AsArray().Select(a => a!.AsObject()).ToList();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Receiver.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
