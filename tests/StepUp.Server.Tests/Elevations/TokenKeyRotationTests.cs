using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Server.Elevations;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Elevations;

public class TokenKeyRotationTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    private async Task<List<string>> TokenKidsAsync()
    {
        var jwks = await server.Client(key: null).GetFromJsonAsync<JsonObject>("/.well-known/jwks.json");
        return jwks!["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()).Where(k => k.StartsWith("token", StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public async Task TokenKey_RotatesWhenDue_OldKeyStaysPublishedUntilItsTokensExpire()
    {
        var rotation = server.Services.GetRequiredService<TokenKeyRotation>();
        Assert.False(await rotation.RotateIfDueAsync(TestContext.Current.CancellationToken));
        var before = await TokenKidsAsync();
        Assert.Single(before);

        server.Clock.Advance(TimeSpan.FromDays(31));
        Assert.True(await rotation.RotateIfDueAsync(TestContext.Current.CancellationToken));
        var after = await TokenKidsAsync();
        Assert.Equal(2, after.Count);
        Assert.Contains(before[0], after);

        // The example policy's longest max_age is 30m: past it (and the skew) the old key is gone.
        server.Clock.Advance(TimeSpan.FromMinutes(36));
        var later = await TokenKidsAsync();
        Assert.DoesNotContain(before[0], later);
        Assert.Single(later);
    }
}
