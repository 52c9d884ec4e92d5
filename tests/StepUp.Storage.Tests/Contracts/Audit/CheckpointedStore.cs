using System.Security.Cryptography;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;
using StepUp.Storage.Checkpoints;
using StepUp.Storage.Keys;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>
/// A store seeded the way the server fills it: decisions, and after every few a checkpoint signed
/// with an audit key stored (sealed) in the store's signing keys.
/// </summary>
internal sealed class CheckpointedStore : IDisposable
{
    private CheckpointedStore(AuditStore store, ECDsa key, string kid)
    {
        Store = store;
        Key = key;
        Kid = kid;
    }

    public AuditStore Store { get; }

    public ECDsa Key { get; }

    public string Kid { get; }

    /// <summary>The checkpoint events, as the server copies them to its checkpoint file.</summary>
    public List<string> AnchorLines { get; } = [];

    /// <summary>
    /// Seq layout for (20, 5): decisions 1-5, checkpoint 6, 7-11, checkpoint 12, 13-17, checkpoint 18,
    /// 19-23, checkpoint 24. With a <paramref name="clock"/>, decision i and its checkpoint are
    /// appended at minute i - 1.
    /// </summary>
    public static async Task<CheckpointedStore> SeedAsync(AuditStore store, ManualTimeProvider? clock = null, int decisions = 20, int every = 5)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = SigningKeyPurposes.Kid(SigningKeyPurposes.Audit, EcPublicJwk.FromKey("-", key));
        using (var box = new SecretBox(SecretBox.GenerateKey()))
        {
            var added = await store.Database.SigningKeys.TryAddActiveAsync(new SigningKeyRecord
            {
                Kid = kid,
                Purpose = SigningKeyPurposes.Audit,
                PublicKey = EcPublicJwk.FromKey(kid, key),
                SealedPrivateKey = box.Seal(key.ExportPkcs8PrivateKey(), SigningKeyRecord.AssociatedData(kid)),
                CreatedAt = AuditTime.Truncate(DateTimeOffset.UtcNow),
            });
            Assert.True(added);
        }

        var seeded = new CheckpointedStore(store, key, kid);
        await using var appender = store.OpenAppender(clock ?? TimeProvider.System);
        for (var i = 1; i <= decisions; i++)
        {
            var last = await appender.AppendAsync(new AuditEventDraft
            {
                Type = AuditEventTypes.DecisionEvaluated,
                Payload = new JsonObject { ["outcome"] = "success", ["subject"] = new JsonObject { ["id"] = $"user-{i}" }, ["action"] = "payments.transfer" },
            });
            if (i % every == 0)
            {
                var statement = new AuditCheckpoint(last.Seq, last.Hash, last.Time);
                var checkpoint = await appender.AppendAsync(new AuditEventDraft
                {
                    Type = AuditEventTypes.AuditCheckpoint,
                    Payload = statement.ToEventPayload(CheckpointJws.Sign(statement, kid, key)),
                });
                seeded.AnchorLines.Add(checkpoint.ToJson());
            }

            clock?.Advance(TimeSpan.FromMinutes(1));
        }

        return seeded;
    }

    public IReadOnlyList<CheckpointAnchor> Anchors() => CheckpointAnchor.ParseLines(AnchorLines);

    /// <summary>Verifies with the store's own keys (unless <paramref name="keys"/>) and where a pruned chain starts.</summary>
    public Task<AuditVerification> VerifyAsync(IReadOnlyList<CheckpointAnchor>? anchors = null, CheckpointKeyRing? keys = null) =>
        Store.Verifier(withKeys: true, withRetention: true)
            .VerifyAsync(new AuditStoreVerifyOptions { Anchors = anchors ?? [], Keys = keys }, TestContext.Current.CancellationToken);

    public void Dispose() => Key.Dispose();
}
