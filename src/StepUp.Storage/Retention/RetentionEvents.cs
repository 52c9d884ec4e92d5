using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Storage.Retention;

/// <summary>The <c>audit.erased</c> event that every erasure writes about itself.</summary>
public static class RetentionEvents
{
    /// <remarks>The erased subject's id is deliberately not recorded (not even hashed: ids are guessable);
    /// <paramref name="reference"/> carries the privacy request's own reference instead.</remarks>
    public static AuditEventDraft Erased(string reason, long count, JsonObject actor, string? reference = null, string? type = null, DateTimeOffset? before = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var erasure = new JsonObject { ["count"] = count };
        if (reference is not null)
        {
            erasure["reference"] = reference;
        }

        if (type is not null)
        {
            erasure["type"] = type;
        }

        if (before is { } cutoff)
        {
            erasure["before"] = AuditTime.ToText(cutoff);
        }

        return new AuditEventDraft
        {
            Type = AuditEventTypes.AuditErased,
            Payload = new JsonObject
            {
                ["outcome"] = "success",
                ["severity"] = "medium",
                ["reason"] = reason,
                ["actor"] = actor,
                ["erasure"] = erasure,
            },
        };
    }

    /// <summary>The <c>audit.pruned</c> event: what was deleted, and the checkpoint the chain now starts from.</summary>
    public static AuditEventDraft Pruned(PruneResult result, DateTimeOffset before, JsonObject actor)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new AuditEventDraft
        {
            Type = AuditEventTypes.AuditPruned,
            Payload = new JsonObject
            {
                ["outcome"] = "success",
                ["severity"] = "medium",
                ["actor"] = actor,
                ["prune"] = new JsonObject
                {
                    ["count"] = result.Count,
                    ["through_seq"] = result.ThroughSeq,
                    ["through_hash"] = result.ThroughHash,
                    ["before"] = AuditTime.ToText(before),
                },
            },
        };
    }
}
