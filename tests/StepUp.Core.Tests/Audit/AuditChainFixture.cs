using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Core.Tests.Audit;

/// <summary>Builds well-formed chains for verifier tests.</summary>
internal static class AuditChainFixture
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    public static List<AuditEvent> Build(int count)
    {
        var events = new List<AuditEvent>(count);
        var prev = AuditChain.GenesisHash;
        for (var seq = 1; seq <= count; seq++)
        {
            var evt = Sign(seq, prev, Start.AddMilliseconds(seq * 17), "decision.evaluated", new JsonObject
            {
                ["outcome"] = "success",
                ["app"] = "payments-api",
                ["subject"] = new JsonObject { ["id"] = $"user-{seq % 3}", ["session_id"] = $"s-{seq}" },
                ["risk"] = new JsonObject { ["score"] = seq * 1.5 },
            });
            events.Add(evt);
            prev = evt.Hash;
        }

        return events;
    }

    public static AuditEvent Sign(long seq, string prevHash, DateTimeOffset time, string type, JsonObject payload, string? id = null)
    {
        id ??= EventId.New(time);
        var digest = AuditChain.PayloadDigest(payload);
        return new AuditEvent
        {
            Seq = seq,
            Id = id,
            Time = time,
            Type = type,
            PrevHash = prevHash,
            PayloadDigest = digest,
            Hash = AuditChain.Hash(seq, id, time, type, prevHash, digest),
            Payload = payload,
        };
    }

    /// <summary>A copy of <paramref name="evt"/> with envelope fields replaced (hash not recomputed).</summary>
    public static AuditEvent With(AuditEvent evt, string? type = null, string? prevHash = null, string? hash = null, JsonObject? payload = null, bool? erased = null) => new()
    {
        Seq = evt.Seq,
        Id = evt.Id,
        Time = evt.Time,
        Type = type ?? evt.Type,
        PrevHash = prevHash ?? evt.PrevHash,
        PayloadDigest = evt.PayloadDigest,
        Hash = hash ?? evt.Hash,
        Payload = payload ?? evt.Payload,
        Erased = erased ?? evt.Erased,
    };
}
