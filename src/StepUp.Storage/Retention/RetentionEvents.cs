using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Storage.Retention;

/// <summary>The <c>audit.erased</c> event that every erasure writes about itself.</summary>
public static class RetentionEvents
{
    public static AuditEventDraft Erased(string reason, long count, JsonObject actor, string? subjectId = null, string? type = null, DateTimeOffset? before = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var erasure = new JsonObject { ["count"] = count };
        if (subjectId is not null)
        {
            // The subject id is what was erased; the request itself is recorded by its digest only.
            erasure["subject_digest"] = StepUp.Core.Security.Digests.Sha256Hex(subjectId);
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
}
