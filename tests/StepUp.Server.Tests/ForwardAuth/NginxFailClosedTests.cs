namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>The shipped nginx configuration with StepUp unreachable: every request fails closed, none reaches the app.</summary>
public class NginxFailClosedTests
{
    [Fact]
    public async Task StepUpUnreachable_EveryRequestIs500_AndNothingReachesTheApp()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        var port = NginxServer.FreePort();
        var deadStepUp = NginxServer.FreePort(); // nothing listens there
        await using var nginx = await NginxServer.StartAsync(NginxForwardAuthFixture.ShippedConfig(port, deadStepUp, upstream.Port, NginxForwardAuthFixture.Secret), port);

        foreach (var (method, target) in new[] { ("GET", "/api/accounts"), ("POST", "/api/transfers") })
        {
            var response = await RawHttp.SendAsync(port, method, target, [("X-Forwarded-User", "alice"), ("X-Forwarded-Session", "s-1")]);
            Assert.True(response.Status == 500, response.ToString());
            Assert.Equal("stepup_unavailable", System.Text.Json.Nodes.JsonNode.Parse(response.Body)!["error"]!.GetValue<string>());
        }

        Assert.Empty(upstream.Hits);
    }
}
