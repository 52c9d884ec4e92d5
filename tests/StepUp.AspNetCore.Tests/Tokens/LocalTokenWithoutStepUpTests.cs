using System.Net;
using StepUp.AspNetCore.Tests.Infrastructure;

namespace StepUp.AspNetCore.Tests.Tokens;

/// <summary>With its own StepUp server, which the test stops: a non-once token keeps working from the cached JWKS.</summary>
public sealed class LocalTokenWithoutStepUpTests
{
    [Fact]
    public async Task NonOnceToken_IsAcceptedLocally_WhileStepUpIsDown_AndOtherRequestsFailClosed()
    {
        var fixture = new StepUpServerFixture();
        await fixture.InitializeAsync();
        try
        {
            await using var app = await TestApp.StartAsync(fixture);
            var user = TestUser.New();
            var codes = await fixture.EnrolAsync(user.Id);
            var token = await StepUpFlow.ElevateAsync(fixture, () => app.GetAsync("/bound/d-1", user), codes);
            Assert.Equal("LocalToken", (await StepUpFlow.AllowedAsync(await app.GetAsync("/bound/d-1", user, token)))["source"]!.GetValue<string>());

            await fixture.Server.StopAsync();

            var body = await StepUpFlow.AllowedAsync(await app.GetAsync("/bound/d-1", user, token));
            Assert.Equal("LocalToken", body["source"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.GetAsync("/bound/d-2", user, token)).StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.GetAsync("/records/r-1", user)).StatusCode);
            Assert.Equal(2, app.Hits.Count);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }
}
