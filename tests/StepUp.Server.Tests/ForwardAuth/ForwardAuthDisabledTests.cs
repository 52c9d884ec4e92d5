using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>Without <c>StepUp:ForwardAuth:Secret</c> the endpoint does not exist.</summary>
public class ForwardAuthDisabledTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task WithoutASecret_TheEndpointIs404()
    {
        var response = await server.Client(key: null).SendAsync(ForwardAuthFixture.Forwarded("POST", "/api/transfers"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("SU1012", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }
}
