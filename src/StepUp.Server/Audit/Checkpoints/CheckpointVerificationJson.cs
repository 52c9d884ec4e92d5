using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Server.Audit.Checkpoints;

/// <summary>The checkpoint part of the <c>GET /v1/audit/verify</c> answer.</summary>
internal static class CheckpointVerificationJson
{
    /// <summary>Adds <c>checkpoints_verified</c>, <c>last_checkpoint { seq, time }</c> (what the last verified checkpoint covers and when it was signed) and, for checkpoint failures, <c>detail</c>.</summary>
    public static void AddTo(JsonObject json, AuditVerification result)
    {
        json["checkpoints_verified"] = result.CheckpointsVerified;
        if (result.LastCheckpoint is { } last)
        {
            json["last_checkpoint"] = new JsonObject { ["seq"] = last.Seq, ["time"] = AuditTime.ToText(last.Time) };
        }

        if (result.Detail is { } detail)
        {
            json["detail"] = detail;
        }
    }
}
