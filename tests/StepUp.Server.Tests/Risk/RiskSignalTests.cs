using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Risk;

/// <summary>Risk signals over HTTP with the City test database and a fake clock (issue 5 acceptance).</summary>
public class RiskSignalTests(RiskFixture server) : IClassFixture<RiskFixture>
{
    private static object Read(string subject, string ip, string? device = null) => new
    {
        subject = new { id = subject, session_id = "s-" + subject },
        action = "records.read",
        context = new { ip, device_id = device, user_agent = "Mozilla/5.0 (X11; Linux x86_64)" },
    };

    private static object Transfer(string subject, string ip, string device, double amount) => new
    {
        subject = new { id = subject, session_id = "s-" + subject },
        action = "payments.transfer",
        resource = new { type = "transfer", id = "t-" + amount, attributes = new { amount, currency = "EUR" } },
        context = new { ip, device_id = device },
    };

    private static List<string> Signals(JsonObject decision) =>
        decision["risk"]!["signals"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();

    private async Task<JsonObject> AuditedAsync(JsonObject decision) =>
        (await server.AllEventsAsync("decision.evaluated")).Single(e => e["id"]!.GetValue<string>() == decision["decision_id"]!.GetValue<string>());

    [Fact]
    public async Task LondonThenChangchunAMinuteLater_IsImpossibleTravel_AndRaisesAnAlert()
    {
        var london = await server.DecideAsync(Read("tara", "81.2.69.142"));
        Assert.Equal("allow", london["decision"]!.GetValue<string>());
        Assert.DoesNotContain("impossible_travel", Signals(london));

        server.Clock.Advance(TimeSpan.FromMinutes(1));
        var changchun = await server.DecideAsync(Read("tara", "175.16.199.1"));
        var signals = Signals(changchun);
        Assert.Contains("impossible_travel", signals);
        Assert.Contains("new_country", signals); // GB was learned from the allowed first decision
        Assert.Contains("new_ip", signals);
        Assert.Equal("high", changchun["risk"]!["level"]!.GetValue<string>());
        Assert.Equal(100, changchun["risk"]!["score"]!.GetValue<int>()); // 60 + 30 + 10
        Assert.Equal("step_up", changchun["decision"]!.GetValue<string>()); // risky-context: score >= 70
        Assert.Contains("risky-context", changchun["rules"]!.AsArray().Select(r => r!.GetValue<string>()));

        // London–Changchun is about 8,000 km: in one minute that is ~480,000 km/h.
        var risk = (await AuditedAsync(changchun))["risk"]!;
        Assert.True(risk["impossible_travel"]!.GetValue<bool>());
        Assert.InRange(risk["travel_speed_kmh"]!.GetValue<double>(), 400_000, 500_000);

        var alert = (await server.AlertsAsync()).Single(a => a["detector"]!.GetValue<string>() == "impossible_travel" && a["subject"]!.GetValue<string>() == "tara");
        Assert.Equal("175.16.199.1", alert["ip"]!.GetValue<string>());
    }

    [Fact]
    public async Task SameCityLater_IsNotTravel_AndAKnownPlaceIsNotNew()
    {
        await server.DecideAsync(Read("stan", "81.2.69.142"));
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await server.DecideAsync(Read("stan", "81.2.69.142"));
        Assert.Empty(Signals(again));
        Assert.Equal(0, again["risk"]!["score"]!.GetValue<int>());
        Assert.Equal("low", again["risk"]!["level"]!.GetValue<string>());
    }

    [Fact]
    public async Task FirstDecisionFromADevice_IsNewDevice_UntilAStepUpIsVerifiedOnIt()
    {
        var secret = await server.EnrollTotpAsync("devin");
        var first = await server.DecideAsync(Transfer("devin", "81.2.69.142", "laptop-1", 50));
        Assert.Contains("new_device", Signals(first));
        Assert.Equal("step_up", first["decision"]!.GetValue<string>()); // large-transfer: ... || risk.new_device
        Assert.Equal(40, first["risk"]!["score"]!.GetValue<int>());
        Assert.Equal("medium", first["risk"]!["level"]!.GetValue<string>());

        var (status, _) = await server.VerifyAsync(first["challenge"]!["id"]!.GetValue<string>(), Oathtool.Totp(secret, server.Clock.Now));
        Assert.Equal(HttpStatusCode.OK, status);

        var known = await server.DecideAsync(Transfer("devin", "81.2.69.142", "laptop-1", 60));
        Assert.DoesNotContain("new_device", Signals(known));
        Assert.Equal("allow", known["decision"]!.GetValue<string>());

        var other = await server.DecideAsync(Transfer("devin", "81.2.69.142", "phone-2", 60));
        Assert.Contains("new_device", Signals(other));

        var subject = (await server.Client().GetFromJsonAsync<JsonObject>("/v1/subjects/devin"))!;
        var device = Assert.Single(subject["recent_devices"]!.AsArray())!;
        Assert.Equal("laptop-1", device["device_id"]!.GetValue<string>());
        Assert.Equal("GB", device["country"]!.GetValue<string>());

        // Devices are per subject: another subject on laptop-1 is on a new device.
        var stranger = await server.DecideAsync(Transfer("devina", "81.2.69.142", "laptop-1", 60));
        Assert.Contains("new_device", Signals(stranger));
    }

    [Fact]
    public async Task DeviceSeenOnlyInAnUnverifiedStepUp_StaysNew()
    {
        await server.EnrollTotpAsync("ned");
        Assert.Contains("new_device", Signals(await server.DecideAsync(Transfer("ned", "81.2.69.142", "tablet-9", 10))));
        Assert.Contains("new_device", Signals(await server.DecideAsync(Transfer("ned", "81.2.69.142", "tablet-9", 10))));
    }

    [Fact]
    public async Task SanctionedCountry_IsDenied_AndRaisesDeniedRegion()
    {
        var decision = await server.DecideAsync(new
        {
            subject = new { id = "ira" },
            action = "records.read",
            context = new { ip = "2a02:d2c0::1" },
        });
        Assert.Equal("deny", decision["decision"]!.GetValue<string>());
        Assert.Contains("sanctioned-regions", decision["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
        var alert = (await server.AlertsAsync()).Single(a => a["detector"]!.GetValue<string>() == "denied_region" && a["subject"]!.GetValue<string>() == "ira");
        Assert.Equal("high", alert["severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task PrivateAddress_HasEmptyGeo_AndNoGeoSignals()
    {
        await server.DecideAsync(Read("petra", "81.2.69.142"));
        server.Clock.Advance(TimeSpan.FromSeconds(10));
        var decision = await server.DecideAsync(Read("petra", "10.1.2.3"));
        Assert.Null((await AuditedAsync(decision))["context"]!["geo"]);
        var signals = Signals(decision);
        Assert.DoesNotContain("impossible_travel", signals);
        Assert.DoesNotContain("new_country", signals);
        Assert.Contains("new_ip", signals); // the address is new, even though it has no place
    }

    [Fact]
    public async Task EveryRiskValue_IsInTheResponseAndTheAuditEvent()
    {
        var decision = await server.DecideAsync(Read("rita", "81.2.69.142", "d-1"));
        var risk = (await AuditedAsync(decision))["risk"]!.AsObject();
        foreach (var name in new[] { "score", "level", "signals", "new_device", "new_country", "new_ip", "impossible_travel", "travel_speed_kmh", "failures_1h", "ip_failures_1h", "anonymous_ip" })
        {
            Assert.True(risk.ContainsKey(name), name);
        }

        Assert.Equal(decision["risk"]!["score"]!.GetValue<int>(), risk["score"]!.GetValue<int>());
        Assert.Equal(Signals(decision), risk["signals"]!.AsArray().Select(s => s!.GetValue<string>()).ToList());
    }
}
