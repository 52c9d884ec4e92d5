using StepUp.AspNetCore.Requests;
using StepUp.AspNetCore.Tests.Infrastructure;

namespace StepUp.AspNetCore.Tests.Requests;

[Collection(StepUpServerCollection.Name)]
public sealed class DeviceCookieTests(StepUpServerFixture fixture)
{
    [Fact]
    public async Task DeviceCookie_IsSetOnce_AndItsDigestIsTheDeviceIdOfEveryDecision()
    {
        await using var app = await TestApp.StartAsync(fixture);
        var user = TestUser.New();

        var first = await app.GetAsync("/records/r-1", user);
        var setCookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        var second = await app.GetAsync("/records/r-2", user);

        Assert.False(second.Headers.Contains("Set-Cookie"));
        Assert.Matches(@"^stepup_device=[A-Za-z0-9_-]{43}; max-age=34560000; path=/; samesite=lax; httponly$", setCookie);
        var value = app.Cookies.GetCookies(app.Address)["stepup_device"]!.Value;
        foreach (var response in new[] { first, second })
        {
            var decisionId = (await StepUpFlow.AllowedAsync(response))["decision_id"]!.GetValue<string>();
            var audited = await fixture.DecisionEventAsync(user.Id, decisionId);
            Assert.Equal(DeviceCookie.DeviceId(value), audited["context"]!["device_id"]!.GetValue<string>());
        }

        Assert.NotEqual(value, DeviceCookie.DeviceId(value));
    }

    [Fact]
    public async Task DeviceCookie_CanBeTurnedOff()
    {
        await using var app = await TestApp.StartAsync(fixture, o => o.DeviceCookieName = null);
        var user = TestUser.New();

        var response = await app.GetAsync("/records/r-1", user);

        Assert.False(response.Headers.Contains("Set-Cookie"));
        var audited = await fixture.DecisionEventAsync(user.Id, (await StepUpFlow.AllowedAsync(response))["decision_id"]!.GetValue<string>());
        Assert.Null(audited["context"]?["device_id"]);
    }
}
