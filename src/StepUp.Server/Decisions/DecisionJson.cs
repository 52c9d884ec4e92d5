using System.Text.Json;
using StepUp.Core.Audit;
using StepUp.Core.Policy;

namespace StepUp.Server.Decisions;

/// <summary>The parts of a <c>step_up</c> answer shared by <c>/v1/decisions</c> and forward auth (SPEC §3.1).</summary>
internal static class DecisionJson
{
    /// <summary>Writes <c>required { level, acr, methods, max_age, bind?, once }</c> and, when one was issued, <c>challenge { … }</c>.</summary>
    public static void WriteRequirement(Utf8JsonWriter writer, DecisionOutcome outcome, long maxAge)
    {
        var evaluation = outcome.Evaluation;
        writer.WriteStartObject("required");
        writer.WriteString("level", evaluation.Level.ToName());
        writer.WriteString("acr", evaluation.Level.ToAcr());
        writer.WriteStartArray("methods");
        foreach (var method in evaluation.Methods.ToNames())
        {
            writer.WriteStringValue(method);
        }

        writer.WriteEndArray();
        writer.WriteNumber("max_age", maxAge);
        if (evaluation.BindResource)
        {
            writer.WriteString("bind", "resource");
        }

        writer.WriteBoolean("once", evaluation.Once);
        writer.WriteEndObject();
        if (outcome.Challenge is { } issued)
        {
            writer.WriteStartObject("challenge");
            writer.WriteString("id", issued.Challenge.Id);
            writer.WriteString("url", issued.Url);
            writer.WriteString("expires_at", AuditTime.ToText(issued.Challenge.ExpiresAt));
            writer.WriteStartArray("available_methods");
            foreach (var method in issued.Challenge.AvailableMethods.ToNames())
            {
                writer.WriteStringValue(method);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("enrollment_required", issued.Challenge.AvailableMethods == StepUpMethods.None);
            writer.WriteEndObject();
        }
    }
}
