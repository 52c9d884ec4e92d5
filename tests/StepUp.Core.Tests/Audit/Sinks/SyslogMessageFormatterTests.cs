using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Sinks;

namespace StepUp.Core.Tests.Audit.Sinks;

public class SyslogMessageFormatterTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 22, 8, 0, 0, 123, TimeSpan.Zero);

    private static AuditEvent Event(JsonObject payload, string type = AuditEventTypes.DecisionEvaluated, long seq = 7) =>
        AuditChainFixture.Sign(seq, AuditChain.GenesisHash, Time, type, payload, id: "01JDTESTEVENT0000000000007");

    private static JsonObject DenyPayload(string subject) => new()
    {
        ["outcome"] = "deny",
        ["severity"] = "medium",
        ["app"] = "payments-api",
        ["subject"] = new JsonObject { ["id"] = subject, ["session_id"] = "s-1" },
        ["action"] = "payments.transfer",
    };

    [Fact]
    public void Format_WritesTheWholeRfc5424Message_WithEscapedSdParams()
    {
        var evt = Event(DenyPayload("al\"i]c\\e"));
        var formatter = new SyslogMessageFormatter(SyslogFacility.AuthPriv, "stepup", "host1", "4242");

        var bytes = formatter.Format(evt);

        var expectedPrefix =
            "<84>1 2026-11-22T08:00:00.123Z host1 stepup 4242 decision.evaluated " +
            $"[stepup@32473 seq=\"7\" id=\"01JDTESTEVENT0000000000007\" hash=\"{evt.Hash}\" app=\"payments-api\" outcome=\"deny\" " +
            "subject=\"al\\\"i\\]c\\\\e\" action=\"payments.transfer\"] ";
        var prefix = Encoding.UTF8.GetBytes(expectedPrefix);
        Assert.Equal(prefix, bytes.AsSpan(0, prefix.Length).ToArray());
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes.AsSpan(prefix.Length, 3).ToArray());
        Assert.Equal(evt.ToJson(), Encoding.UTF8.GetString(bytes.AsSpan(prefix.Length + 3)));
    }

    [Fact]
    public void Format_WithoutBom_StartsMsgWithTheJson()
    {
        var evt = Event(DenyPayload("alice"));
        var text = Encoding.UTF8.GetString(new SyslogMessageFormatter(16, "app", null, null, utf8Bom: false).Format(evt));
        Assert.StartsWith("<132>1 2026-11-22T08:00:00.123Z - app - decision.evaluated [", text, StringComparison.Ordinal);
        Assert.EndsWith("] " + evt.ToJson(), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_ErasedEvent_CarriesEnvelopeOnly()
    {
        var signed = Event(DenyPayload("alice"));
        var erased = AuditChainFixture.With(signed, payload: [], erased: true);
        var text = Encoding.UTF8.GetString(new SyslogMessageFormatter(10, "stepup", "h", "1", utf8Bom: false).Format(erased));
        Assert.Contains($"[stepup@32473 seq=\"7\" id=\"01JDTESTEVENT0000000000007\" hash=\"{signed.Hash}\" erased=\"true\"] ", text, StringComparison.Ordinal);
        Assert.StartsWith("<86>1 ", text, StringComparison.Ordinal);
        Assert.EndsWith("\"erased\":true}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_OverTheUdpLimit_SendsTheEnvelopeMarkedTruncated()
    {
        var payload = DenyPayload("alice");
        payload["input"] = new JsonObject { ["blob"] = new string('x', 5000) };
        var evt = Event(payload);
        var formatter = new SyslogMessageFormatter(SyslogFacility.AuthPriv, "stepup", "host1", "4242");

        var full = formatter.Format(evt);
        var udp = formatter.Format(evt, SyslogMessageFormatter.MaxUdpMessageBytes);

        Assert.True(full.Length > 5000);
        Assert.True(udp.Length <= SyslogMessageFormatter.MaxUdpMessageBytes);
        var text = Encoding.UTF8.GetString(udp);
        Assert.Contains($"[stepup@32473 seq=\"7\" id=\"01JDTESTEVENT0000000000007\" hash=\"{evt.Hash}\" truncated=\"true\"] \uFEFF", text, StringComparison.Ordinal);
        var json = JsonNode.Parse(text[(text.IndexOf('\uFEFF', StringComparison.Ordinal) + 1)..])!.AsObject();
        Assert.Equal(7, json["seq"]!.GetValue<long>());
        Assert.Equal(evt.Id, json["id"]!.GetValue<string>());
        Assert.Equal(evt.Hash, json["hash"]!.GetValue<string>());
        Assert.Equal("decision.evaluated", json["type"]!.GetValue<string>());
        Assert.True(json["truncated"]!.GetValue<bool>());
    }

    [Fact]
    public void Format_UnderTheUdpLimit_IsTheFullMessage()
    {
        var evt = Event(DenyPayload("alice"));
        var formatter = new SyslogMessageFormatter(SyslogFacility.AuthPriv, "stepup", "host1", "4242");
        Assert.Equal(formatter.Format(evt), formatter.Format(evt, SyslogMessageFormatter.MaxUdpMessageBytes));
    }

    [Theory]
    [InlineData("critical", 82)]
    [InlineData("high", 83)]
    [InlineData("medium", 84)]
    [InlineData("low", 85)]
    [InlineData("info", 86)]
    [InlineData("something-else", 86)]
    public void Format_PriComesFromFacilityAndEventSeverity(string severity, int pri)
    {
        var payload = DenyPayload("alice");
        payload["severity"] = severity;
        var text = Encoding.UTF8.GetString(new SyslogMessageFormatter(SyslogFacility.AuthPriv, "stepup", "h", "1").Format(Event(payload)));
        Assert.StartsWith($"<{pri}>1 ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_HeaderFieldsAreSanitised()
    {
        var text = Encoding.UTF8.GetString(new SyslogMessageFormatter(1, "step up", "my host é", "", utf8Bom: false).Format(Event(DenyPayload("a"))));
        Assert.StartsWith("<12>1 2026-11-22T08:00:00.123Z my_host__ step_up - decision.evaluated ", text, StringComparison.Ordinal);
    }
}
