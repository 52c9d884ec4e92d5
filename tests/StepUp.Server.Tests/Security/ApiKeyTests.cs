using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Security;

public class ApiKeyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly object Decision = new { subject = new { id = "alice" }, action = "records.read" };

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())?["code"]?.GetValue<string>();

    [Fact]
    public async Task Request_WithoutKey_Is401()
    {
        var response = await server.Client(key: null).PostAsJsonAsync("/v1/decisions", Decision);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("SU1010", await CodeAsync(response));
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Request_WithUnknownKey_Is401() =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client("su_not-a-real-key").PostAsJsonAsync("/v1/decisions", Decision)).StatusCode);

    [Fact]
    public async Task CreatedKey_WorksForItsScopeOnly()
    {
        var key = await server.CreateKeyAsync("shop", "decisions");
        Assert.StartsWith("su_", key, StringComparison.Ordinal);
        var client = server.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/decisions", Decision)).StatusCode);

        var audit = await client.GetAsync("/v1/audit/events");
        Assert.Equal(HttpStatusCode.Forbidden, audit.StatusCode);
        Assert.Equal("SU1011", await CodeAsync(audit));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1/apikeys")).StatusCode);
    }

    [Fact]
    public async Task Decision_IsAuditedUnderTheKeysApp()
    {
        var key = await server.CreateKeyAsync("payments-api", "decisions");
        var decision = await (await server.Client(key).PostAsJsonAsync("/v1/decisions", Decision)).Content.ReadFromJsonAsync<JsonObject>();
        var events = await server.Client().GetFromJsonAsync<JsonObject>("/v1/audit/events?app=payments-api&type=decision.evaluated");
        var evt = Assert.Single(events!["events"]!.AsArray())!;
        Assert.Equal(decision!["decision_id"]!.GetValue<string>(), evt["id"]!.GetValue<string>());
        Assert.Equal("payments-api", evt["app"]!.GetValue<string>());
    }

    [Fact]
    public async Task RevokedKey_IsRefusedAtOnce()
    {
        var key = await server.CreateKeyAsync("temp", "decisions");
        var client = server.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/decisions", Decision)).StatusCode);

        var list = await server.Client().GetFromJsonAsync<JsonObject>("/v1/apikeys");
        var id = list!["keys"]!.AsArray().First(k => k!["app"]!.GetValue<string>() == "temp")!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client().DeleteAsync("/v1/apikeys/" + id)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/v1/decisions", Decision)).StatusCode);

        var revoked = await server.AllEventsAsync("apikey.revoked");
        Assert.Contains(revoked, e => e["apikey"]!["id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task ListedKeys_NeverShowTheSecret()
    {
        var key = await server.CreateKeyAsync("listing", "decisions");
        var text = await server.Client().GetStringAsync("/v1/apikeys");
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        Assert.Contains(key[..8], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppAdmin_ManagesOnlyItsOwnApp()
    {
        var adminA = server.Client(await server.CreateKeyAsync("app-a", "admin", "decisions"));
        await server.CreateKeyAsync("app-b", "decisions");

        var forB = await adminA.PostAsJsonAsync("/v1/apikeys", new { name = "x", app = "app-b", scopes = new[] { "decisions" } });
        Assert.Equal(HttpStatusCode.Forbidden, forB.StatusCode);

        var listed = await adminA.GetFromJsonAsync<JsonObject>("/v1/apikeys");
        Assert.All(listed!["keys"]!.AsArray(), k => Assert.Equal("app-a", k!["app"]!.GetValue<string>()));

        var all = await server.Client().GetFromJsonAsync<JsonObject>("/v1/apikeys");
        var bId = all!["keys"]!.AsArray().First(k => k!["app"]!.GetValue<string>() == "app-b")!["id"]!.GetValue<string>();
        var revoke = await adminA.DeleteAsync("/v1/apikeys/" + bId);
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
    }

    [Fact]
    public async Task Key_CannotGrantScopesItLacks()
    {
        var adminA = server.Client(await server.CreateKeyAsync("app-c", "admin"));
        var response = await adminA.PostAsJsonAsync("/v1/apikeys", new { name = "x", app = "app-c", scopes = new[] { "audit:read" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"name\": \"x\", \"app\": \"a\", \"scopes\": [\"root\"]}")]
    [InlineData("{\"name\": \"x\", \"app\": \"a\", \"scopes\": []}")]
    [InlineData("{\"app\": \"a\", \"scopes\": [\"decisions\"]}")]
    [InlineData("{\"name\": \"x\", \"app\": \"bad app!\", \"scopes\": [\"decisions\"]}")]
    public async Task CreateKey_InvalidRequest_Is422(string body)
    {
        var response = await server.Client().PostAsync("/v1/apikeys", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("SU1004", await CodeAsync(response));
    }

    [Fact]
    public async Task RevokeUnknownKey_Is404() =>
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client().DeleteAsync("/v1/apikeys/key_nope")).StatusCode);
}
