using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Decisions;

/// <summary>Bad input never hurts: a clear problem with a stable code, no 500, nothing changed.</summary>
public class BadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(HttpStatusCode Status, JsonObject Problem)> PostRawAsync(byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await server.Client().PostAsync("/v1/decisions", content);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal); // no stack trace
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    private Task<(HttpStatusCode Status, JsonObject Problem)> PostAsync(string json) => PostRawAsync(Encoding.UTF8.GetBytes(json));

    public static TheoryData<string> MalformedBodies => new()
    {
        "{",
        "",
        "not json",
        "{\"subject\": {\"id\": \"a\"},}",
        "{\"a\": 1} trailing",
        new string('[', 100) + new string(']', 100),
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Decide_MalformedJson_Is400(string body)
    {
        var (status, problem) = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("SU1001", problem["code"]!.GetValue<string>());
        Assert.Equal(400, problem["status"]!.GetValue<int>());
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { "[]", "$" },
        { "{}", "subject" },
        { "{\"subject\": {\"id\": \"a\"}}", "action" },
        { "{\"subject\": \"alice\", \"action\": \"x.y\"}", "subject" },
        { "{\"subject\": {\"id\": 42}, \"action\": \"x.y\"}", "subject.id" },
        { "{\"subject\": {\"id\": \"\"}, \"action\": \"x.y\"}", "subject.id" },
        { "{\"subject\": {\"id\": \"a\"}, \"action\": 7}", "action" },
        { "{\"subject\": {\"id\": \"a\"}, \"action\": \"not an action!\"}", "action" },
        { "{\"subject\": {\"id\": \"a\", \"attributes\": [1]}, \"action\": \"x.y\"}", "subject.attributes" },
        { "{\"subject\": {\"id\": \"a\"}, \"action\": \"x.y\", \"resource\": 5}", "resource" },
        { "{\"subject\": {\"id\": \"a\"}, \"action\": \"x.y\", \"context\": {\"ip\": \"999.1.1.1\"}}", "context.ip" },
        { "{\"subject\": {\"id\": \"a\"}, \"action\": \"x.y\", \"context\": {\"auth\": {\"amr\": \"pwd\"}}}", "context.auth.amr" },
        { "{\"subject\": {\"id\": \"a\"}, \"action\": \"x.y\", \"context\": {\"auth\": {\"auth_time\": \"yesterday\"}}}", "context.auth.auth_time" },
        { "{\"subject\": {\"id\": \"a\"}, \"action\": \"x.y\", \"elevation_token\": 12}", "elevation_token" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Decide_MistypedOrMissingField_Is422_NamingTheField(string body, string field)
    {
        var (status, problem) = await PostAsync(body);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("SU1004", problem["code"]!.GetValue<string>());
        Assert.Contains(field, problem["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Decide_InvalidUtf8_Is422()
    {
        var body = Encoding.UTF8.GetBytes("{\"subject\": {\"id\": \"a\"}, \"action\": \"x.y\", \"context\": {\"user_agent\": \"X\"}}");
        var bad = body.Concat(Array.Empty<byte>()).ToArray();
        var at = Array.IndexOf(bad, (byte)'X');
        bad[at] = 0xC3; // a lone lead byte: not UTF-8
        var (status, problem) = await PostRawAsync(bad);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("SU1005", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decide_UnpairedSurrogateEscape_Is422()
    {
        var (status, problem) = await PostAsync("{\"subject\": {\"id\": \"a\\ud800\"}, \"action\": \"x.y\"}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("SU1005", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decide_NumberBeyondDouble_Is400()
    {
        var (status, problem) = await PostAsync("{\"subject\": {\"id\": \"a\", \"attributes\": {\"n\": 1e400}}, \"action\": \"x.y\"}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("SU1001", problem["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("010.0.0.1")]
    [InlineData("::1%eth0")]
    public async Task Decide_NonCanonicalIp_Is422(string ip)
    {
        var (status, problem) = await PostAsync("{\"subject\": {\"id\": \"a\"}, \"action\": \"x.y\", \"context\": {\"ip\": \"" + ip + "\"}}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("context.ip", problem["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CreateKey_UnpairedSurrogate_Is422()
    {
        var response = await server.Client().PostAsync("/v1/apikeys", new StringContent("{\"name\": \"x\", \"app\": \"a\", \"scopes\": [\"\\ud800\"]}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("SU1005", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ValidatePolicy_UnpairedSurrogate_Is422()
    {
        var response = await server.Client().PostAsync("/v1/policy/validate", new StringContent("{\"policy\": \"\\ud800\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("SU1005", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("since=2026-11-22")]
    [InlineData("until=11/22/2026")]
    public async Task AuditEvents_NonRfc3339Time_Is400(string query)
    {
        var response = await server.Client().GetAsync("/v1/audit/events?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Decide_OversizedBody_Is413()
    {
        var padding = new string('a', 1024 * 1024);
        var (status, problem) = await PostAsync("{\"subject\": {\"id\": \"a\", \"attributes\": {\"pad\": \"" + padding + "\"}}, \"action\": \"x.y\"}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("SU1002", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decide_WrongContentType_Is415()
    {
        var (status, problem) = await PostRawAsync(Encoding.UTF8.GetBytes("subject=alice"), "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("SU1003", problem["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadInput_ChangesNothing_InTheAuditTrail()
    {
        var before = (await server.AllEventsAsync()).Count;
        await PostAsync("{");
        await PostAsync("{}");
        await PostAsync("{\"subject\": {\"id\": \"a\\ud800\"}, \"action\": \"x.y\"}");
        Assert.Equal(before, (await server.AllEventsAsync()).Count);
    }

    [Fact]
    public async Task UnknownPath_Is404Problem()
    {
        var response = await server.Client().GetAsync("/v1/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("SU1012", problem!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task WrongMethod_Is405Problem()
    {
        var response = await server.Client().GetAsync("/v1/decisions");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("SU1013", problem!["code"]!.GetValue<string>());
    }
}
