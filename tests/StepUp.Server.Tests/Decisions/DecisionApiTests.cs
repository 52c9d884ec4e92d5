using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Decisions;

public class DecisionApiTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    private static object Transfer(double amount, string ip = "81.2.69.142", string session = "s-123") => new
    {
        subject = new { id = "alice", session_id = session, attributes = new { frozen = false } },
        action = "payments.transfer",
        resource = new { type = "transfer", id = "t-9", attributes = new { amount, currency = "EUR" } },
        context = new { ip, user_agent = "Mozilla/5.0", device_id = "d-1", auth = new { level = "aal1", amr = new[] { "pwd" } } },
    };

    private async Task<JsonObject> DecideAsync(object body)
    {
        var response = await server.Client().PostAsJsonAsync("/v1/decisions", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task Decide_SmallTransfer_FromADeviceNeverVerified_IsSteppedUp_AsNewDevice()
    {
        var json = await DecideAsync(Transfer(50));
        Assert.Equal("step_up", json["decision"]!.GetValue<string>());
        Assert.Equal(["large-transfer"], json["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["new_device"], json["risk"]!["signals"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(40, json["risk"]!["score"]!.GetValue<int>());
        Assert.Equal("medium", json["risk"]!["level"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decide_SmallTransfer_WithoutADeviceId_IsAllowed()
    {
        var json = await DecideAsync(new
        {
            subject = new { id = "alice", session_id = "s-123" },
            action = "payments.transfer",
            resource = new { type = "transfer", id = "t-9", attributes = new { amount = 50, currency = "EUR" } },
            context = new { ip = "81.2.69.142" },
        });
        Assert.Equal("allow", json["decision"]!.GetValue<string>());
        Assert.Empty(json["rules"]!.AsArray());
        Assert.Null(json["required"]);
        Assert.Null(json["www_authenticate"]);
        Assert.Equal(26, json["decision_id"]!.GetValue<string>().Length);
        Assert.Equal(0, json["risk"]!["score"]!.GetValue<int>());
    }

    [Fact]
    public async Task Decide_LargeTransfer_RequiresStepUp_WithRfc9470Header()
    {
        var json = await DecideAsync(Transfer(12000));
        Assert.Equal("step_up", json["decision"]!.GetValue<string>());
        Assert.Equal(["large-transfer"], json["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("large-transfer: resource.attributes.amount >= 10000 || risk.new_device", json["reasons"]![0]!.GetValue<string>());
        var required = json["required"]!;
        Assert.Equal("aal2", required["level"]!.GetValue<string>());
        Assert.Equal("urn:stepup:aal2", required["acr"]!.GetValue<string>());
        Assert.Equal(["webauthn", "totp", "recovery_code"], required["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(300, required["max_age"]!.GetValue<int>());
        Assert.Equal("resource", required["bind"]!.GetValue<string>());
        Assert.True(required["once"]!.GetValue<bool>());
        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"A different authentication level is required\", acr_values=\"urn:stepup:aal2\", max_age=\"300\"",
            json["www_authenticate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decide_AdminAction_RequiresAal3()
    {
        var json = await DecideAsync(new { subject = new { id = "bob", session_id = "s-9" }, action = "admin.users.role.update", context = new { ip = "198.51.100.7" } });
        Assert.Equal("step_up", json["decision"]!.GetValue<string>());
        Assert.Equal("aal3", json["required"]!["level"]!.GetValue<string>());
        Assert.Equal(["webauthn"], json["required"]!["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(600, json["required"]!["max_age"]!.GetValue<int>());
    }

    [Fact]
    public async Task Decide_FrozenAccount_IsDenied()
    {
        var json = await DecideAsync(new { subject = new { id = "carol", attributes = new { frozen = true } }, action = "payments.transfer", resource = new { attributes = new { amount = 5 } } });
        Assert.Equal("deny", json["decision"]!.GetValue<string>());
        Assert.Contains("frozen-account", json["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Null(json["required"]);
    }

    [Fact]
    public async Task Decide_IsAuditedBeforeResponse_WithInputWithoutToken()
    {
        var body = JsonNode.Parse("""
            { "subject": { "id": "dave", "session_id": "s-77" }, "action": "payments.transfer",
              "resource": { "type": "transfer", "id": "t-1", "attributes": { "amount": 20000 } },
              "context": { "ip": "81.2.69.142" }, "elevation_token": "secret-token-value", "unknown_field": 1 }
            """);
        var json = await DecideAsync(body!);
        var id = json["decision_id"]!.GetValue<string>();
        var page = await server.Client().GetFromJsonAsync<JsonObject>("/v1/audit/events?subject=dave&type=decision.evaluated");
        var evt = Assert.Single(page!["events"]!.AsArray())!.AsObject();
        Assert.Equal(id, evt["id"]!.GetValue<string>());
        Assert.Equal("step_up", evt["decision"]!["effect"]!.GetValue<string>());
        Assert.Equal("s-77", evt["subject"]!["session_id"]!.GetValue<string>());
        Assert.Equal(20000, evt["input"]!["resource"]!["attributes"]!["amount"]!.GetValue<double>());
        Assert.Null(evt["input"]!["elevation_token"]);
        Assert.DoesNotContain("secret-token-value", evt.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(64, evt["policy_version"]!.GetValue<string>().Length);
        Assert.NotNull(evt["risk"]!["new_device"]);
    }
}
