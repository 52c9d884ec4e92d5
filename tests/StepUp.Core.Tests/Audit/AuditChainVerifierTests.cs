using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Core.Tests.Audit;

public sealed class AuditChainVerifierTests
{
    private static AuditVerification Verify(IEnumerable<AuditEvent> events, long firstSeq = 1, string? prev = AuditChain.GenesisHash)
    {
        var verifier = new AuditChainVerifier(firstSeq, prev);
        foreach (var evt in events)
        {
            verifier.Add(evt);
        }

        return verifier.Result;
    }

    [Fact]
    public void Verify_AcceptsAnIntactChain()
    {
        var result = Verify(AuditChainFixture.Build(50));

        Assert.Equal(new AuditVerification(true, 50, 50, null, null), result);
    }

    [Fact]
    public void Verify_AcceptsAnEmptyChain() =>
        Assert.Equal(new AuditVerification(true, 0, 0, null, null), Verify([]));

    [Fact]
    public void Verify_DetectsAnEditedPayload()
    {
        var events = AuditChainFixture.Build(10);
        events[6].Payload["outcome"] = "failure";

        var result = Verify(events);

        Assert.Equal(new AuditVerification(false, 6, 6, 7, AuditVerificationReasons.PayloadDigestMismatch), result);
    }

    [Fact]
    public void Verify_DetectsAnEditedEnvelope()
    {
        var events = AuditChainFixture.Build(10);
        events[3] = AuditChainFixture.With(events[3], type: "elevation.granted");

        var result = Verify(events);

        Assert.Equal(new AuditVerification(false, 3, 3, 4, AuditVerificationReasons.HashMismatch), result);
    }

    [Fact]
    public void Verify_DetectsAnEditedTime()
    {
        var events = AuditChainFixture.Build(5);
        var e = events[2];
        events[2] = new AuditEvent
        {
            Seq = e.Seq, Id = e.Id, Time = e.Time.AddMilliseconds(1), Type = e.Type,
            PrevHash = e.PrevHash, PayloadDigest = e.PayloadDigest, Hash = e.Hash, Payload = e.Payload,
        };

        Assert.Equal(AuditVerificationReasons.HashMismatch, Verify(events).Reason);
    }

    [Fact]
    public void Verify_DetectsADeletedEvent()
    {
        var events = AuditChainFixture.Build(10);
        events.RemoveAt(4);

        var result = Verify(events);

        Assert.Equal(new AuditVerification(false, 4, 4, 5, AuditVerificationReasons.SeqGap), result);
    }

    [Fact]
    public void Verify_DetectsReorderedEvents()
    {
        var events = AuditChainFixture.Build(10);
        (events[5], events[6]) = (events[6], events[5]);

        var result = Verify(events);

        Assert.Equal(new AuditVerification(false, 5, 5, 6, AuditVerificationReasons.SeqGap), result);
    }

    [Fact]
    public void Verify_DetectsAWrongPrevHash_EvenWhenTheEventHashWasRecomputed()
    {
        var events = AuditChainFixture.Build(10);
        var original = events[8];
        events[8] = AuditChainFixture.Sign(original.Seq, events[2].Hash, original.Time, original.Type, original.Payload, original.Id);

        var result = Verify(events);

        Assert.Equal(new AuditVerification(false, 8, 8, 9, AuditVerificationReasons.PrevHashMismatch), result);
    }

    [Fact]
    public void Verify_DetectsAReplacedEventWhoseSuccessorStillPointsAtTheOriginal()
    {
        var events = AuditChainFixture.Build(10);
        var original = events[4];
        events[4] = AuditChainFixture.Sign(original.Seq, original.PrevHash, original.Time, original.Type, new JsonObject { ["outcome"] = "forged" }, original.Id);

        var result = Verify(events);

        Assert.Equal(new AuditVerification(false, 5, 5, 6, AuditVerificationReasons.PrevHashMismatch), result);
    }

    [Fact]
    public void Verify_AcceptsErasedEvents()
    {
        var events = AuditChainFixture.Build(10);
        events[2] = AuditChainFixture.With(events[2], payload: [], erased: true);
        events[7] = AuditChainFixture.With(events[7], payload: [], erased: true);

        Assert.True(Verify(events).Ok);
    }

    [Fact]
    public void Verify_DetectsAnErasedEventWithAnEditedEnvelope()
    {
        var events = AuditChainFixture.Build(10);
        events[2] = AuditChainFixture.With(events[2], type: "audit.erased", payload: [], erased: true);

        Assert.Equal(new AuditVerification(false, 2, 2, 3, AuditVerificationReasons.HashMismatch), Verify(events));
    }

    [Fact]
    public void Verify_StopsAtTheFirstProblem()
    {
        var events = AuditChainFixture.Build(10);
        events[1].Payload["outcome"] = "x";
        events.RemoveAt(7);
        var verifier = new AuditChainVerifier();

        var accepted = events.Select(verifier.Add).ToList();

        Assert.Equal([true, false, false, false, false, false, false, false, false], accepted);
        Assert.Equal(2, verifier.Result.FirstBadSeq);
        Assert.Equal(AuditVerificationReasons.PayloadDigestMismatch, verifier.Result.Reason);
    }

    [Fact]
    public void Verify_ReportsAMalformedEventAtTheExpectedSeq()
    {
        var verifier = new AuditChainVerifier();
        foreach (var evt in AuditChainFixture.Build(3))
        {
            verifier.Add(evt);
        }

        verifier.AddMalformed();

        Assert.Equal(new AuditVerification(false, 3, 3, 4, AuditVerificationReasons.MalformedEvent), verifier.Result);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("\"\\ud800\"")]
    public void Verify_ReportsAPayloadWithoutCanonicalFormAsMalformed(string value)
    {
        var lines = AuditChainFixture.Build(3).Select(e => e.ToJson()).ToList();
        lines[1] = lines[1].Replace("\"outcome\":\"success\"", $"\"outcome\":{value}", StringComparison.Ordinal);
        var verifier = new AuditChainVerifier();

        foreach (var line in lines)
        {
            verifier.Add(AuditEvent.Parse(line));
        }

        Assert.Equal(new AuditVerification(false, 1, 1, 2, AuditVerificationReasons.MalformedEvent), verifier.Result);
    }

    [Fact]
    public void Verify_DetectsAMissingFirstEvent()
    {
        var events = AuditChainFixture.Build(5);
        events.RemoveAt(0);

        Assert.Equal(new AuditVerification(false, 0, 0, 1, AuditVerificationReasons.SeqGap), Verify(events));
    }

    [Fact]
    public void Verify_CanStartMidChain_FromAKnownHash()
    {
        var events = AuditChainFixture.Build(10);

        Assert.Equal(new AuditVerification(true, 6, 10, null, null), Verify(events.Skip(4), 5, events[3].Hash));
        Assert.Equal(AuditVerificationReasons.PrevHashMismatch, Verify(events.Skip(4), 5, events[2].Hash).Reason);
        Assert.True(Verify(events.Skip(4), 5, prev: null).Ok);
    }

    [Fact]
    public void Verify_AcceptsAChainExportedAsJsonLinesAndParsedBack()
    {
        var events = AuditChainFixture.Build(20);
        events[4] = AuditChainFixture.With(events[4], payload: [], erased: true);
        var lines = events.Select(e => e.ToJson()).ToList();
        var verifier = new AuditChainVerifier();

        foreach (var line in lines)
        {
            verifier.Add(AuditEvent.Parse(line));
        }

        Assert.Equal(new AuditVerification(true, 20, 20, null, null), verifier.Result);
    }
}
