using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Export;

namespace StepUp.Core.Tests.Audit.Export;

public class JsonlAuditFormatterTests
{
    [Fact]
    public void Write_EmitsExactlyTheStoredJson_OneLinePerEvent()
    {
        var events = AuditChainFixture.Build(5);
        events[2] = AuditChainFixture.Sign(3, events[1].Hash, events[2].Time, "decision.evaluated", new JsonObject
        {
            ["note"] = "line\nbreak \"quoted\" é 😀 <tag> &",
        });
        using var formatter = new JsonlAuditFormatter();
        var text = ExportTestEvents.Format(formatter, [.. events]);

        Assert.Equal(string.Concat(events.Select(e => e.ToJson() + "\n")), text);
        Assert.Equal("application/x-ndjson", formatter.ContentType);
    }

    [Fact]
    public void Export_RoundTripsThroughTheOfflineVerifier()
    {
        var events = AuditChainFixture.Build(50);
        using var formatter = new JsonlAuditFormatter();
        var lines = ExportTestEvents.Format(formatter, [.. events]).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var verifier = new AuditChainVerifier();
        foreach (var line in lines)
        {
            Assert.True(verifier.Add(AuditEvent.Parse(line)));
        }

        Assert.True(verifier.Result.Ok);
        Assert.Equal(50, verifier.Result.EventsVerified);
    }

    [Fact]
    public void Export_WithOneEditedLine_FailsVerificationAtThatSeq()
    {
        var events = AuditChainFixture.Build(10);
        using var formatter = new JsonlAuditFormatter();
        var lines = ExportTestEvents.Format(formatter, [.. events]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[5] = lines[5].Replace("\"success\"", "\"failure\"", StringComparison.Ordinal);

        var verifier = new AuditChainVerifier();
        foreach (var line in lines)
        {
            verifier.Add(AuditEvent.Parse(line));
        }

        Assert.False(verifier.Result.Ok);
        Assert.Equal(6, verifier.Result.FirstBadSeq);
        Assert.Equal(AuditVerificationReasons.PayloadDigestMismatch, verifier.Result.Reason);
    }

    [Fact]
    public void Write_ErasedEvent_KeepsTheEnvelopeOnly()
    {
        var evt = AuditChainFixture.With(AuditChainFixture.Build(1)[0], payload: [], erased: true);
        using var formatter = new JsonlAuditFormatter();
        var line = ExportTestEvents.Format(formatter, evt);

        Assert.Equal(evt.ToJson() + "\n", line);
        Assert.Contains("\"erased\":true", line, StringComparison.Ordinal);
    }
}
