using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Server.Pages;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Pages;

/// <summary>
/// A server with MaxMind's City test database and no test locator, where each test request says
/// which address it comes from (header <see cref="RemoteIpHeader"/>), as a browser elsewhere would.
/// </summary>
public sealed class GeoIpPageFixture : ServerFixture
{
    public const string RemoteIpHeader = "X-Test-Remote-Ip";

    /// <summary>A reverse proxy in front of the pages: its X-Forwarded-For is believed.</summary>
    public const string Proxy = "10.9.9.9";

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("StepUp:GeoIp:CityDatabase", Path.Combine(AppContext.BaseDirectory, "geoip", "GeoIP2-City-Test.mmdb")),
        new("StepUp:TrustedProxies:0", Proxy),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, RemoteIpFromHeader>());
    }

    private sealed class RemoteIpFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[RemoteIpHeader], out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>The relay check of SPEC §3 with real GeoIP lookups on both sides: the request's context.ip and the browser's address.</summary>
public class RelayCheckGeoIpTests(GeoIpPageFixture server) : IClassFixture<GeoIpPageFixture>
{
    private async Task<HttpStatusCode> StateFromAsync(string id, string secret, string browserIp, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/challenge/{id}/state") { Content = JsonContent.Create(new { }) };
        request.Headers.Add(PageChallenges.SecretHeader, secret);
        request.Headers.Add(GeoIpPageFixture.RemoteIpHeader, browserIp);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return (await server.Client(key: null).SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task BrowserInAnotherCountry_IsRefusedAndAudited_SameCountryOrUnknown_IsAllowed()
    {
        var response = await server.Client().PostAsJsonAsync("/v1/decisions", new
        {
            subject = new { id = "relay-1", session_id = "s-1" },
            action = "payments.payees.add",
            context = new { ip = "81.2.69.142" }, // GB, London
        });
        var decision = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var url = new Uri(decision["challenge"]!["url"]!.GetValue<string>());
        var (id, secret) = (url.Segments[^1], url.Fragment.TrimStart('#'));

        Assert.Equal(HttpStatusCode.Forbidden, await StateFromAsync(id, secret, "216.160.83.56")); // US, Milton
        Assert.Equal(HttpStatusCode.OK, await StateFromAsync(id, secret, "81.2.69.142"));          // GB, the same address
        Assert.Equal(HttpStatusCode.OK, await StateFromAsync(id, secret, "127.0.0.1"));            // unknown: skipped
        Assert.Equal(HttpStatusCode.OK, await StateFromAsync(id, secret, "10.1.2.3"));             // unknown: skipped

        var relay = Assert.Single(await server.AllEventsAsync("stepup.challenge.relay_suspected"), e => e["challenge"]!["id"]!.GetValue<string>() == id);
        Assert.Equal("US", relay["browser"]!["country"]!.GetValue<string>());
        Assert.Equal("216.160.83.56", relay["browser"]!["ip"]!.GetValue<string>());
        Assert.Equal("GB", relay["expected_country"]!.GetValue<string>());
        Assert.Equal("81.2.69.142", relay["context"]!["ip"]!.GetValue<string>());
        Assert.True(relay["refused"]!.GetValue<bool>());
    }

    [Fact]
    public async Task BehindATrustedProxy_TheForwardedClientIsChecked_AnUntrustedPeersHeaderIsNot()
    {
        var response = await server.Client().PostAsJsonAsync("/v1/decisions", new
        {
            subject = new { id = "relay-2", session_id = "s-1" },
            action = "payments.payees.add",
            context = new { ip = "81.2.69.142" }, // GB, London
        });
        var url = new Uri((await response.Content.ReadFromJsonAsync<JsonObject>())!["challenge"]!["url"]!.GetValue<string>());
        var (id, secret) = (url.Segments[^1], url.Fragment.TrimStart('#'));

        // Through the proxy: the browser is the client the proxy names (a forged left entry is ignored).
        Assert.Equal(HttpStatusCode.Forbidden, await StateFromAsync(id, secret, GeoIpPageFixture.Proxy, "81.2.69.142, 216.160.83.56"));
        Assert.Equal(HttpStatusCode.OK, await StateFromAsync(id, secret, GeoIpPageFixture.Proxy, "216.160.83.56, 81.2.69.142"));

        // A peer that is not a trusted proxy cannot choose its country with the header.
        Assert.Equal(HttpStatusCode.Forbidden, await StateFromAsync(id, secret, "216.160.83.56", "81.2.69.142"));
    }
}
