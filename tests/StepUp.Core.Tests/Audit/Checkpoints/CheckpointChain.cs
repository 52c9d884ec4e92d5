using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;

namespace StepUp.Core.Tests.Audit.Checkpoints;

/// <summary>Builds chains with signed checkpoints, and rewrites them as an attacker who can recompute hashes would.</summary>
internal sealed class CheckpointChain : IDisposable
{
    public CheckpointChain()
    {
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Kid = SigningKeyPurposes.Kid(SigningKeyPurposes.Audit, EcPublicJwk.FromKey("-", Key));
        PublicKey = EcPublicJwk.FromKey(Kid, Key);
    }

    public ECDsa Key { get; }

    public string Kid { get; }

    public EcPublicJwk PublicKey { get; }

    public CheckpointKeyRing Ring() => new([PublicKey]);

    /// <summary><paramref name="events"/> decisions with a checkpoint after every <paramref name="every"/> of them.</summary>
    public List<AuditEvent> Build(int events, int every)
    {
        var chain = new List<AuditEvent>();
        for (var i = 1; i <= events; i++)
        {
            Append(chain, "decision.evaluated", new JsonObject { ["outcome"] = "success", ["subject"] = new JsonObject { ["id"] = $"user-{i}" } });
            if (i % every == 0)
            {
                AppendCheckpoint(chain);
            }
        }

        return chain;
    }

    public AuditEvent AppendCheckpoint(List<AuditEvent> chain, long? coverSeq = null, ECDsa? key = null, string? kid = null)
    {
        var covered = coverSeq is { } s ? chain[(int)s - 1] : chain[^1];
        var statement = new AuditCheckpoint(covered.Seq, covered.Hash, AuditChainFixture.Start.AddMinutes(chain.Count));
        var jws = CheckpointJws.Sign(statement, kid ?? Kid, key ?? Key);
        return Append(chain, AuditEventTypes.AuditCheckpoint, statement.ToEventPayload(jws));
    }

    public static AuditEvent Append(List<AuditEvent> chain, string type, JsonObject payload)
    {
        var prev = chain.Count == 0 ? AuditChain.GenesisHash : chain[^1].Hash;
        var evt = AuditChainFixture.Sign(chain.Count + 1, prev, AuditChainFixture.Start.AddMilliseconds(chain.Count * 10), type, payload);
        chain.Add(evt);
        return evt;
    }

    /// <summary>Recomputes digests and hashes from <paramref name="fromSeq"/> on, so the bare chain verifies again.</summary>
    public static void Rechain(List<AuditEvent> chain, long fromSeq)
    {
        for (var i = (int)fromSeq - 1; i < chain.Count; i++)
        {
            var e = chain[i];
            var prev = i == 0 ? AuditChain.GenesisHash : chain[i - 1].Hash;
            chain[i] = AuditChainFixture.Sign(e.Seq, prev, e.Time, e.Type, e.Payload, e.Id);
        }
    }

    public static AuditVerification Verify(IEnumerable<AuditEvent> chain, CheckpointKeyRing? ring, IEnumerable<CheckpointAnchor>? anchors = null)
    {
        var verifier = new AuditChainVerifier(1, AuditChain.GenesisHash, ring, anchors);
        foreach (var evt in chain)
        {
            if (!verifier.Add(evt))
            {
                break;
            }
        }

        return verifier.Complete();
    }

    public static CheckpointAnchor Anchor(AuditEvent checkpoint) => CheckpointAnchor.Parse(checkpoint.ToJson());

    public void Dispose() => Key.Dispose();
}
