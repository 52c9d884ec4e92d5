using StepUp.Core.Security;
using System.Text.Json;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Server.Errors;
using StepUp.Server.Http;
using StepUp.Server.Security;

namespace StepUp.Server.Decisions;

/// <summary><c>POST /v1/decisions</c> (SPEC §3.1).</summary>
internal static class DecisionEndpoints
{
    public static void MapDecisionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/decisions", DecideAsync)
            .RequireScope(ApiKeyScopes.Decisions)
            .WithTags("Decisions")
            .WithName("Decide")
            .WithSummary("Decide whether an action needs a step-up")
            .Accepts<JsonElement>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> DecideAsync(HttpContext http, JsonBody body, DecisionService decisions, TimeProvider time)
    {
        var (document, problem) = await body.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        DecisionRequest? request;
        var errors = new List<FieldError>();
        using (document)
        {
            request = RequestJson.Read(() => DecisionRequestReader.Read(document!.RootElement, time.GetUtcNow(), errors), out problem);
        }

        if (problem is not null)
        {
            return problem;
        }

        if (request is null)
        {
            return Problems.Result(ProblemCode.ValidationFailed, "see errors", errors);
        }

        var outcome = await decisions.DecideAsync(http.Caller(), request, $"{http.Request.Scheme}://{http.Request.Host}", http.RequestAborted);
        return new DecisionResult(outcome);
    }

    /// <summary>Writes the decision JSON straight to the response (no intermediate objects).</summary>
    private sealed class DecisionResult(DecisionOutcome outcome) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.ContentType = "application/json";
            response.Headers.CacheControl = "no-store";
            var evaluation = outcome.Evaluation;
            await using var writer = new Utf8JsonWriter(response.BodyWriter, JsonOutput.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("decision", outcome.EffectName);
            writer.WriteString("decision_id", outcome.DecisionId);
            writer.WriteStartArray("rules");
            foreach (var rule in evaluation.AppliedRules)
            {
                writer.WriteStringValue(rule.Id);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("reasons");
            foreach (var reason in outcome.Reasons)
            {
                writer.WriteStringValue(reason);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("risk");
            writer.WriteNumber("score", outcome.Risk.Score);
            writer.WriteString("level", outcome.Risk.Level);
            writer.WriteStartArray("signals");
            foreach (var signal in outcome.Risk.Fired)
            {
                writer.WriteStringValue(signal);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            if (outcome.Effect == RuleEffect.StepUp)
            {
                var maxAge = (long)evaluation.MaxAge.TotalSeconds;
                DecisionJson.WriteRequirement(writer, outcome, maxAge);
                writer.WriteString("www_authenticate", StepUpChallengeHeader.Format(evaluation.Level.ToAcr(), maxAge));
            }

            writer.WriteEndObject();
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}
