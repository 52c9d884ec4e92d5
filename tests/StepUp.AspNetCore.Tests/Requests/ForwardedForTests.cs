using StepUp.AspNetCore.Tests.Infrastructure;

namespace StepUp.AspNetCore.Tests.Requests;

/// <summary>The <c>context.ip</c> StepUp audits, with and without a trusted proxy in front of the app.</summary>
[Collection(StepUpServerCollection.Name)]
public sealed class ForwardedForTests(StepUpServerFixture fixture)
{
    [Theory]
    [InlineData(new[] { "127.0.0.1", "198.51.100.0/24" }, "203.0.113.9")]
    [InlineData(new[] { "10.0.0.0/8" }, "127.0.0.1")]
    [InlineData(new string[0], "127.0.0.1")]
    public async Task ContextIp_ComesFromXForwardedFor_OnlyWhenThePeerIsTrusted(string[] trusted, string expected)
    {
        await using var app = await TestApp.StartAsync(fixture, o =>
        {
            foreach (var proxy in trusted)
            {
                o.TrustedProxies.Add(proxy);
            }
        });
        var user = TestUser.New();

        var response = await app.SendAsync(HttpMethod.Get, "/records/r-1", user, configure: r => r.Headers.Add("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 198.51.100.7"));

        var decisionId = (await StepUpFlow.AllowedAsync(response))["decision_id"]!.GetValue<string>();
        var audited = await fixture.DecisionEventAsync(user.Id, decisionId);
        Assert.Equal(expected, audited["context"]!["ip"]!.GetValue<string>());
    }
}
