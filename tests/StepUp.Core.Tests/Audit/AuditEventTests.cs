using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Core.Tests.Audit;

public sealed class AuditEventTests
{
    private static AuditEvent Sample(bool erased = false) => new()
    {
        Seq = 1042,
        Id = "01JD0000000000000000000000",
        Time = new DateTimeOffset(2026, 11, 22, 8, 0, 0, 123, TimeSpan.Zero),
        Type = "stepup.challenge.failed",
        PrevHash = "9f" + new string('0', 62),
        PayloadDigest = "3a" + new string('0', 62),
        Hash = "c1" + new string('0', 62),
        Erased = erased,
        Payload = erased ? [] : new JsonObject
        {
            ["outcome"] = "failure",
            ["subject"] = new JsonObject { ["id"] = "alice", ["session_id"] = "s-123" },
            ["reason"] = "invalid_code",
            ["note"] = "caf\u00e9 <b>",
        },
    };

    [Fact]
    public void ToJson_WritesEnvelopeThenPayloadFieldsAtTopLevel()
    {
        var json = Sample().ToJson();

        Assert.Equal(
            "{\"seq\":1042,\"id\":\"01JD0000000000000000000000\",\"time\":\"2026-11-22T08:00:00.123Z\"," +
            "\"type\":\"stepup.challenge.failed\",\"prev_hash\":\"9f" + new string('0', 62) + "\"," +
            "\"payload_digest\":\"3a" + new string('0', 62) + "\",\"hash\":\"c1" + new string('0', 62) + "\"," +
            "\"outcome\":\"failure\",\"subject\":{\"id\":\"alice\",\"session_id\":\"s-123\"},\"reason\":\"invalid_code\"," +
            "\"note\":\"caf\u00e9 <b>\"}",
            json);
    }

    [Fact]
    public void ToJson_WritesErasedMarkerInsteadOfPayload()
    {
        var json = Sample(erased: true).ToJson();

        Assert.EndsWith(",\"hash\":\"c1" + new string('0', 62) + "\",\"erased\":true}", json);
        Assert.DoesNotContain("outcome", json);
    }

    [Fact]
    public void Time_IsAlwaysMillisecondUtcText()
    {
        var evt = new AuditEvent
        {
            Seq = 1, Id = "x", Type = "t", PrevHash = "p", PayloadDigest = "d", Hash = "h",
            Time = new DateTimeOffset(2026, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)).AddTicks(5),
        };

        Assert.Equal("2026-01-02T03:04:05.000Z", evt.TimeText);
        Assert.Equal(TimeSpan.Zero, evt.Time.Offset);
        Assert.Contains("\"time\":\"2026-01-02T03:04:05.000Z\"", evt.ToJson());
    }

    [Fact]
    public void Parse_RoundTripsToJson()
    {
        var original = Sample();

        var parsed = AuditEvent.Parse(original.ToJson());

        Assert.Equal(original.Seq, parsed.Seq);
        Assert.Equal(original.Id, parsed.Id);
        Assert.Equal(original.Time, parsed.Time);
        Assert.Equal(original.Type, parsed.Type);
        Assert.Equal(original.PrevHash, parsed.PrevHash);
        Assert.Equal(original.PayloadDigest, parsed.PayloadDigest);
        Assert.Equal(original.Hash, parsed.Hash);
        Assert.False(parsed.Erased);
        Assert.Equal(Jcs.CanonicalizeToString(original.Payload), Jcs.CanonicalizeToString(parsed.Payload));
        Assert.Equal(original.ToJson(), parsed.ToJson());
    }

    [Fact]
    public void Parse_ReadsErasedEvents()
    {
        var parsed = AuditEvent.Parse(Sample(erased: true).ToJson());

        Assert.True(parsed.Erased);
        Assert.Empty(parsed.Payload);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"id":"a","time":"2026-11-22T08:00:00.123Z","type":"t","prev_hash":"p","payload_digest":"d","hash":"h"}""")]
    [InlineData("""{"seq":"1","id":"a","time":"2026-11-22T08:00:00.123Z","type":"t","prev_hash":"p","payload_digest":"d","hash":"h"}""")]
    [InlineData("""{"seq":1.5,"id":"a","time":"2026-11-22T08:00:00.123Z","type":"t","prev_hash":"p","payload_digest":"d","hash":"h"}""")]
    [InlineData("""{"seq":0,"id":"a","time":"2026-11-22T08:00:00.123Z","type":"t","prev_hash":"p","payload_digest":"d","hash":"h"}""")]
    [InlineData("""{"seq":1,"id":"a","time":"2026-11-22T08:00:00Z","type":"t","prev_hash":"p","payload_digest":"d","hash":"h"}""")]
    [InlineData("""{"seq":1,"id":"a","time":"2026-11-22T08:00:00.123+00:00","type":"t","prev_hash":"p","payload_digest":"d","hash":"h"}""")]
    [InlineData("""{"seq":1,"id":"a","time":"2026-11-22T08:00:00.123Z","type":"t","prev_hash":"p","payload_digest":"d"}""")]
    [InlineData("""{"seq":1,"id":5,"time":"2026-11-22T08:00:00.123Z","type":"t","prev_hash":"p","payload_digest":"d","hash":"h"}""")]
    [InlineData("""{"seq":1,"id":"a","time":"2026-11-22T08:00:00.123Z","type":"t","prev_hash":"p","payload_digest":"d","hash":"h","erased":true,"outcome":"x"}""")]
    [InlineData("""{"seq":1,"id":"a","time":"2026-11-22T08:00:00.123Z","type":"t","prev_hash":"p","payload_digest":"d","hash":"h","erased":false}""")]
    [InlineData("""{"seq":1,"seq":2,"id":"a","time":"2026-11-22T08:00:00.123Z","type":"t","prev_hash":"p","payload_digest":"d","hash":"h"}""")]
    public void Parse_RejectsMalformedEvents(string line) =>
        Assert.Throws<AuditEventFormatException>(() => AuditEvent.Parse(line));

    [Fact]
    public void Draft_DropsNullMembersAtEveryDepth_ButKeepsNullArrayElements()
    {
        var draft = new AuditEventDraft
        {
            Type = "decision.evaluated",
            Payload = new JsonObject
            {
                ["reason"] = null,
                ["subject"] = new JsonObject { ["id"] = "alice", ["session_id"] = null },
                ["list"] = new JsonArray(1, null, new JsonObject { ["x"] = null }),
            },
        };

        var canonical = System.Text.Encoding.UTF8.GetString(draft.ToCanonicalPayload());

        Assert.Equal("""{"list":[1,null,{}],"subject":{"id":"alice"}}""", canonical);
        Assert.False(draft.Payload.ContainsKey("reason"));
    }

    [Theory]
    [InlineData("seq")]
    [InlineData("id")]
    [InlineData("time")]
    [InlineData("type")]
    [InlineData("prev_hash")]
    [InlineData("payload_digest")]
    [InlineData("hash")]
    [InlineData("erased")]
    public void Draft_RejectsPayloadMembersNamedLikeEnvelopeFields(string name)
    {
        var draft = new AuditEventDraft { Type = "decision.evaluated", Payload = new JsonObject { [name] = "x" } };

        Assert.Throws<ArgumentException>(() => draft.ToCanonicalPayload());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Decision.Evaluated")]
    [InlineData("decision evaluated")]
    [InlineData(".decision")]
    [InlineData("decision.")]
    public void Draft_RejectsMalformedTypes(string type) =>
        Assert.Throws<ArgumentException>(() => new AuditEventDraft { Type = type }.ToCanonicalPayload());

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public void Draft_RejectsMalformedIds(string id) =>
        Assert.Throws<ArgumentException>(() => new AuditEventDraft { Type = "decision.evaluated", Id = id }.ToCanonicalPayload());

    [Fact]
    public void Draft_RejectsValuesWithoutACanonicalForm() =>
        Assert.Throws<ArgumentException>(() => new AuditEventDraft
        {
            Type = "decision.evaluated",
            Payload = new JsonObject { ["risk"] = double.NaN },
        }.ToCanonicalPayload());
}
