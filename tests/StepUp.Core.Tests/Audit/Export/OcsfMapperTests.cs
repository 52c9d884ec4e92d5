using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Export;

namespace StepUp.Core.Tests.Audit.Export;

public class OcsfMapperTests
{
    private static readonly OcsfMapper Mapper = new("9.9.9-test");

    private static JsonObject Context(bool geo = true)
    {
        var context = new JsonObject { ["ip"] = "81.2.69.142", ["user_agent"] = "Mozilla/5.0", ["device_id"] = "d-1" };
        if (geo)
        {
            context["geo"] = new JsonObject { ["country"] = "GB", ["city"] = "London", ["latitude"] = 51.5142, ["longitude"] = -0.0931 };
        }

        return context;
    }

    private static void AssertCommon(JsonObject ocsf, AuditEvent evt, int classUid, int categoryUid, int activityId)
    {
        Assert.Equal(classUid, ocsf["class_uid"]!.GetValue<int>());
        Assert.Equal(categoryUid, ocsf["category_uid"]!.GetValue<int>());
        Assert.Equal(activityId, ocsf["activity_id"]!.GetValue<int>());
        Assert.Equal((classUid * 100L) + activityId, ocsf["type_uid"]!.GetValue<long>());
        Assert.Equal(evt.Time.ToUnixTimeMilliseconds(), ocsf["time"]!.GetValue<long>());
        Assert.Equal("1.3.0", ocsf["metadata"]!["version"]!.GetValue<string>());
        Assert.Equal("StepUp", ocsf["metadata"]!["product"]!["name"]!.GetValue<string>());
        Assert.Equal("9.9.9-test", ocsf["metadata"]!["product"]!["version"]!.GetValue<string>());
        Assert.Equal(evt.Id, ocsf["metadata"]!["uid"]!.GetValue<string>());
        Assert.NotNull(ocsf["severity_id"]);
        Assert.NotNull(ocsf["status_id"]);
        Assert.Equal(evt.Seq, ocsf["unmapped"]!["seq"]!.GetValue<long>());
        Assert.Equal(evt.Type, ocsf["unmapped"]!["type"]!.GetValue<string>());
        Assert.Equal(evt.Hash, ocsf["unmapped"]!["hash"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("stepup.challenge.verified", "success", 1, null)]
    [InlineData("stepup.challenge.failed", "failure", 2, "invalid_code")]
    [InlineData("stepup.challenge.locked", "failure", 2, "challenge_locked")]
    [InlineData("stepup.challenge.expired", null, 2, "challenge_expired")]
    public void Verifications_MapToAuthentication3002_Logon(string type, string? outcome, int statusId, string? statusDetail)
    {
        var payload = new JsonObject
        {
            ["severity"] = statusId == 1 ? "info" : "medium",
            ["app"] = "payments-api",
            ["subject"] = new JsonObject { ["id"] = "alice", ["session_id"] = "s-123" },
            ["action"] = "payments.transfer",
            ["context"] = Context(),
            ["challenge"] = new JsonObject { ["id"] = "ch_1", ["method"] = "totp", ["attempt"] = 2 },
        };
        if (type == "stepup.challenge.failed")
        {
            payload["reason"] = "invalid_code";
        }

        if (outcome is not null)
        {
            payload["outcome"] = outcome;
        }

        var evt = ExportTestEvents.Event(type, payload);
        var ocsf = Mapper.Map(evt);

        AssertCommon(ocsf, evt, 3002, 3, 1);
        Assert.Equal(300201, ocsf["type_uid"]!.GetValue<int>());
        Assert.Equal("Authentication", ocsf["class_name"]!.GetValue<string>());
        Assert.Equal("Logon", ocsf["activity_name"]!.GetValue<string>());
        Assert.Equal(statusId, ocsf["status_id"]!.GetValue<int>());
        Assert.Equal(statusDetail, ocsf["status_detail"]?.GetValue<string>());
        Assert.Equal(statusId == 1 ? 1 : 3, ocsf["severity_id"]!.GetValue<int>());
        Assert.Equal("alice", ocsf["user"]!["uid"]!.GetValue<string>());
        Assert.Equal("s-123", ocsf["session"]!["uid"]!.GetValue<string>());
        Assert.Equal("payments-api", ocsf["service"]!["name"]!.GetValue<string>());
        Assert.Equal(99, ocsf["auth_protocol_id"]!.GetValue<int>());
        Assert.Equal("totp", ocsf["auth_protocol"]!.GetValue<string>());
        Assert.Equal("Mozilla/5.0", ocsf["http_request"]!["user_agent"]!.GetValue<string>());
        Assert.Equal("81.2.69.142", ocsf["src_endpoint"]!["ip"]!.GetValue<string>());
        var location = ocsf["src_endpoint"]!["location"]!;
        Assert.Equal([-0.0931, 51.5142], location["coordinates"]!.AsArray().Select(c => c!.GetValue<double>()));
        Assert.Equal("London", location["city"]!.GetValue<string>());
        Assert.Equal("GB", location["country"]!.GetValue<string>());
    }

    [Fact]
    public void ElevationGranted_MapsToAuthorizeSession3003_AssignPrivileges_WithTheAction()
    {
        var evt = ExportTestEvents.Event("elevation.granted", new JsonObject
        {
            ["outcome"] = "success",
            ["severity"] = "info",
            ["app"] = "payments-api",
            ["subject"] = new JsonObject { ["id"] = "alice", ["session_id"] = "s-123" },
            ["action"] = "payments.transfer",
            ["context"] = Context(geo: false),
            ["elevation"] = new JsonObject { ["level"] = "aal2", ["amr"] = new JsonArray("pwd", "otp", "mfa"), ["expires_at"] = "2026-11-22T08:05:00.000Z" },
        });
        var ocsf = Mapper.Map(evt);

        AssertCommon(ocsf, evt, 3003, 3, 1);
        Assert.Equal(300301, ocsf["type_uid"]!.GetValue<int>());
        Assert.Equal("Authorize Session", ocsf["class_name"]!.GetValue<string>());
        Assert.Equal("Assign Privileges", ocsf["activity_name"]!.GetValue<string>());
        Assert.Equal(["payments.transfer"], ocsf["privileges"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(1, ocsf["status_id"]!.GetValue<int>());
        Assert.Equal(1, ocsf["severity_id"]!.GetValue<int>());
        Assert.Equal("alice", ocsf["user"]!["uid"]!.GetValue<string>());
        Assert.Equal("s-123", ocsf["session"]!["uid"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 8, 5, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), ocsf["session"]!["expiration_time"]!.GetValue<long>());
        Assert.Equal("81.2.69.142", ocsf["src_endpoint"]!["ip"]!.GetValue<string>());
        Assert.Null(ocsf["src_endpoint"]!["location"]);
        Assert.Equal("aal2", ocsf["unmapped"]!["elevation"]!["level"]!.GetValue<string>());
    }

    [Fact]
    public void AlertRaised_MapsToDetectionFinding2004_WithFindingInfo()
    {
        var evt = ExportTestEvents.Event("alert.raised", new JsonObject
        {
            ["outcome"] = "success",
            ["severity"] = "high",
            ["alert"] = new JsonObject { ["id"] = "al_42", ["detector"] = "subject_failures", ["key"] = "alice", ["count"] = 5, ["window"] = "10m" },
            ["subject"] = new JsonObject { ["id"] = "alice" },
        });
        var ocsf = Mapper.Map(evt);

        AssertCommon(ocsf, evt, 2004, 2, 1);
        Assert.Equal(200401, ocsf["type_uid"]!.GetValue<int>());
        Assert.Equal("Detection Finding", ocsf["class_name"]!.GetValue<string>());
        Assert.Equal("Create", ocsf["activity_name"]!.GetValue<string>());
        Assert.Equal("al_42", ocsf["finding_info"]!["uid"]!.GetValue<string>());
        Assert.Equal("StepUp alert: subject_failures (alice)", ocsf["finding_info"]!["title"]!.GetValue<string>());
        Assert.Equal(["subject_failures"], ocsf["finding_info"]!["types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(1, ocsf["status_id"]!.GetValue<int>()); // finding status New
        Assert.Equal("New", ocsf["status"]!.GetValue<string>());
        Assert.Equal(4, ocsf["severity_id"]!.GetValue<int>());
    }

    [Fact]
    public void AlertRaised_WithoutAlertFields_FallsBackToTheEventId()
    {
        var evt = ExportTestEvents.Event("alert.raised", new JsonObject { ["severity"] = "critical" });
        var ocsf = Mapper.Map(evt);

        Assert.Equal(evt.Id, ocsf["finding_info"]!["uid"]!.GetValue<string>());
        Assert.Equal("StepUp alert", ocsf["finding_info"]!["title"]!.GetValue<string>());
        Assert.Equal(5, ocsf["severity_id"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("decision.evaluated", "step_up", 99, "step_up")]
    [InlineData("audit.exported", "success", 1, "Success")]
    [InlineData("apikey.revoked", "failure", 2, "Failure")]
    [InlineData("policy.loaded", null, 0, "Unknown")]
    public void OtherTypes_MapToBaseEvent0_WithStepUpFieldsUnderUnmapped(string type, string? outcome, int statusId, string status)
    {
        var payload = new JsonObject
        {
            ["severity"] = "info",
            ["app"] = "payments-api",
            ["subject"] = new JsonObject { ["id"] = "bob", ["session_id"] = "s-9" },
            ["action"] = "records.read",
            ["context"] = Context(),
            ["decision"] = new JsonObject { ["effect"] = "step_up", ["rules"] = new JsonArray("large-transfer") },
        };
        if (outcome is not null)
        {
            payload["outcome"] = outcome;
        }

        var evt = ExportTestEvents.Event(type, payload);
        var ocsf = Mapper.Map(evt);

        AssertCommon(ocsf, evt, 0, 0, 99);
        Assert.Equal(99, ocsf["type_uid"]!.GetValue<int>());
        Assert.Equal("Base Event", ocsf["class_name"]!.GetValue<string>());
        Assert.Equal(type, ocsf["activity_name"]!.GetValue<string>());
        Assert.Equal(statusId, ocsf["status_id"]!.GetValue<int>());
        Assert.Equal(status, ocsf["status"]!.GetValue<string>());
        Assert.Equal("bob", ocsf["user"]!["uid"]!.GetValue<string>());
        Assert.Equal("81.2.69.142", ocsf["src_endpoint"]!["ip"]!.GetValue<string>());

        var unmapped = ocsf["unmapped"]!.AsObject();
        Assert.Equal("records.read", unmapped["action"]!.GetValue<string>());
        Assert.Equal("payments-api", unmapped["app"]!.GetValue<string>());
        Assert.Equal("large-transfer", unmapped["decision"]!["rules"]![0]!.GetValue<string>());
        Assert.Equal("s-9", unmapped["subject"]!["session_id"]!.GetValue<string>());
        Assert.Null(ocsf["privileges"]);
        Assert.Null(ocsf["finding_info"]);
    }

    [Theory]
    [InlineData("info", 1)]
    [InlineData("low", 2)]
    [InlineData("medium", 3)]
    [InlineData("high", 4)]
    [InlineData("critical", 5)]
    [InlineData(null, 0)]
    [InlineData("weird", 99)]
    public void Severity_MapsToOcsfSeverityId(string? severity, int expected)
    {
        var payload = new JsonObject();
        if (severity is not null)
        {
            payload["severity"] = severity;
        }

        var ocsf = Mapper.Map(ExportTestEvents.Event("policy.loaded", payload));
        Assert.Equal(expected, ocsf["severity_id"]!.GetValue<int>());
        if (expected == 99)
        {
            Assert.Equal("weird", ocsf["severity"]!.GetValue<string>());
        }
    }

    [Fact]
    public void ErasedEvent_KeepsClassAndEnvelope_WithoutPersonalFields()
    {
        var evt = AuditChainFixture.With(ExportTestEvents.Event("stepup.challenge.failed", new JsonObject { ["subject"] = new JsonObject { ["id"] = "alice" } }), payload: [], erased: true);
        var ocsf = Mapper.Map(evt);

        Assert.Equal(3002, ocsf["class_uid"]!.GetValue<int>());
        Assert.Null(ocsf["user"]);
        Assert.Null(ocsf["src_endpoint"]);
        Assert.True(ocsf["unmapped"]!["erased"]!.GetValue<bool>());
    }

    [Fact]
    public void Formatter_WritesOneObjectPerLine()
    {
        var events = AuditChainFixture.Build(3);
        using var formatter = new OcsfAuditFormatter(Mapper);
        var lines = ExportTestEvents.Format(formatter, [.. events]).Split('\n');

        Assert.Equal(4, lines.Length);
        Assert.Equal(string.Empty, lines[3]);
        for (var i = 0; i < 3; i++)
        {
            var ocsf = JsonNode.Parse(lines[i])!.AsObject();
            Assert.Equal(events[i].Id, ocsf["metadata"]!["uid"]!.GetValue<string>());
        }
    }

    [Fact]
    public void DefaultProductVersion_IsTheAssemblyVersion()
    {
        Assert.False(string.IsNullOrEmpty(new OcsfMapper().ProductVersion));
        Assert.Equal(OcsfMapper.DefaultProductVersion, new OcsfMapper().ProductVersion);
    }
}
