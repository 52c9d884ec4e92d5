using System.Net;
using System.Text.Json.Nodes;

namespace StepUp.Server.Tests.Risk;

/// <summary>Detectors, <c>/v1/alerts</c> and signed alert webhooks over HTTP, on a fake clock (issue 5 acceptance).</summary>
public class AlertTests(RiskFixture server) : IClassFixture<RiskFixture>
{
    private static object Transfer(string subject, string ip) => new
    {
        subject = new { id = subject, session_id = "s-" + subject },
        action = "payments.transfer",
        resource = new { type = "transfer", id = "t-1", attributes = new { amount = 25000, currency = "EUR" } },
        context = new { ip },
    };

    private async Task<string> ChallengeAsync(string subject, string ip) =>
        (await server.DecideAsync(Transfer(subject, ip)))["challenge"]!["id"]!.GetValue<string>();

    private async Task<List<JsonObject>> AlertsAsync(string detector, string key) =>
        (await server.AlertsAsync()).Where(a => a["detector"]!.GetValue<string>() == detector && a["key"]!.GetValue<string>() == key).ToList();

    [Fact]
    public async Task FiveWrongCodes_RaiseSubjectFailures_AndASignedWebhookTheReceiverVerifies()
    {
        var secret = await server.EnrollTotpAsync("fay");
        var challenge = await ChallengeAsync("fay", "81.2.69.142");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await server.VerifyAsync(challenge, server.WrongCode(secret))).Status);
        }

        Assert.Empty(await AlertsAsync("subject_failures", "fay"));
        await server.VerifyAsync(challenge, server.WrongCode(secret));

        var alert = Assert.Single(await AlertsAsync("subject_failures", "fay"));
        Assert.Equal(5, alert["count"]!.GetValue<int>());
        Assert.Equal(5, alert["threshold"]!.GetValue<int>());
        Assert.Equal("10m", alert["window"]!.GetValue<string>());
        var alertId = alert["id"]!.GetValue<string>();

        await server.Receiver.WaitUntilAsync(r => r.Accepted.Any(e => e["alert"]?["id"]?.GetValue<string>() == alertId), TimeSpan.FromSeconds(20), "the subject_failures webhook");
        var received = server.Receiver.Requests.First(r => r.Events.Any(e => e["alert"]?["id"]?.GetValue<string>() == alertId));
        Assert.True(received.SignatureValid);
        var body = Assert.Single(received.Events);
        Assert.Equal("alert.raised", body["type"]!.GetValue<string>());
        Assert.Equal("subject_failures", body["alert"]!["detector"]!.GetValue<string>());
        Assert.Equal("fay", body["subject"]!["id"]!.GetValue<string>());

        // The delivery is audited, and the next decision carries the failures.
        await WaitForAsync(async () => (await server.AllEventsAsync("alert.delivery")).Any(e => e["alert"]!["id"]!.GetValue<string>() == alertId && e["outcome"]!.GetValue<string>() == "success"));
        var decision = await server.DecideAsync(Transfer("fay", "81.2.69.142"));
        Assert.Contains("failures_1h", decision["risk"]!["signals"]!.AsArray().Select(s => s!.GetValue<string>()));
        var evaluated = (await server.AllEventsAsync("decision.evaluated")).Last();
        Assert.Equal(5, evaluated["risk"]!["failures_1h"]!.GetValue<int>());

        // The alert, the failures and the delivery are counted in /metrics.
        var metrics = await server.Client(null).GetStringAsync("/metrics");
        Assert.Matches(@"(?m)^stepup_alerts_total\{detector=""subject_failures""\} [1-9]", metrics);
        Assert.Matches(@"(?m)^stepup_challenges_total\{device_class=""other"",method=""totp"",outcome=""failed""\} [1-9]", metrics);
        Assert.Matches(@"(?m)^stepup_verification_failures_total\{action=""payments.transfer""\} [1-9]", metrics);
        Assert.Matches(@"(?m)^stepup_alert_deliveries_total\{outcome=""success""\} [1-9]", metrics);

        // One burst, one alert: a sixth failure in the same window raises nothing new.
        var next = decision["challenge"]!["id"]!.GetValue<string>();
        await server.VerifyAsync(next, server.WrongCode(secret));
        Assert.Single(await AlertsAsync("subject_failures", "fay"));
    }

    [Fact]
    public async Task TwentyFailuresFromOneIp_AcrossSubjects_RaiseIpFailures()
    {
        const string ip = "198.18.0.7";
        for (var i = 0; i < 20; i++)
        {
            var challenge = await ChallengeAsync($"stuffed-{i}", ip);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await server.VerifyAsync(challenge, "123456")).Status);
            if (i == 18)
            {
                Assert.Empty(await AlertsAsync("ip_failures", ip));
            }
        }

        var alert = Assert.Single(await AlertsAsync("ip_failures", ip));
        Assert.Equal(20, alert["count"]!.GetValue<int>());
        Assert.Empty(await AlertsAsync("subject_failures", "stuffed-0")); // one failure each

        // The next decision from that address carries risk.ip_failures_1h.
        var decision = await server.DecideAsync(Transfer("stuffed-new", ip));
        Assert.Contains("ip_failures_1h", decision["risk"]!["signals"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task FailuresOutsideTheWindow_DoNotAddUp()
    {
        var secret = await server.EnrollTotpAsync("wendy");
        var challenge = await ChallengeAsync("wendy", "81.2.69.142");
        for (var i = 0; i < 4; i++)
        {
            await server.VerifyAsync(challenge, server.WrongCode(secret));
        }

        server.Clock.Advance(TimeSpan.FromMinutes(11));
        challenge = await ChallengeAsync("wendy", "81.2.69.142");
        await server.VerifyAsync(challenge, server.WrongCode(secret));
        Assert.Empty(await AlertsAsync("subject_failures", "wendy"));

        for (var i = 0; i < 4; i++)
        {
            await server.VerifyAsync(challenge, server.WrongCode(secret));
        }

        Assert.Single(await AlertsAsync("subject_failures", "wendy"));
    }

    [Fact]
    public async Task Alerts_NeedTheAuditReadScope()
    {
        var key = await server.CreateKeyAsync("alerts-app", "decisions");
        var response = await server.Client(key).GetAsync("/v1/alerts");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client(null).GetAsync("/v1/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client().GetAsync("/v1/alerts?limit=0")).StatusCode);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(50);
        }
    }
}
