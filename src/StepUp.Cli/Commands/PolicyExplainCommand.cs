using System.CommandLine;
using System.Text.Json;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;

namespace StepUp.Cli.Commands;

/// <summary><c>stepup policy explain FILE --request R.json</c>: which rules applied and why.</summary>
internal static class PolicyExplainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The policy YAML file" };
        var requestFile = new Option<FileInfo>("--request") { Description = "A decision request (JSON, as sent to POST /v1/decisions)", Required = true };
        var command = new Command("explain", "Explain the decision for one request") { file, requestFile };
        command.SetAction(parse =>
        {
            var policy = CommandHelpers.LoadPolicy(parse.GetValue(file)!, output);
            if (policy is null)
            {
                return 1;
            }

            var path = parse.GetValue(requestFile)!.FullName;
            DecisionRequest? request;
            var errors = new List<FieldError>();
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(path));
                request = DecisionRequestReader.Read(document.RootElement, PolicyCase.DefaultNow, errors);
            }
            catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException)
            {
                error.WriteLine($"{path}: {ex.Message}");
                return 1;
            }

            if (request is null)
            {
                foreach (var fieldError in errors)
                {
                    error.WriteLine($"{path}: {fieldError.Field} {fieldError.Message}");
                }

                return 1;
            }

            var (evaluation, traces) = PolicyExplainer.Explain(policy, request.Input);
            foreach (var trace in traces)
            {
                var mark = trace.Applied ? "APPLIES " : "        ";
                var action = trace.ActionMatched ? "action matches" : "action does not match";
                output.WriteLine($"{mark}{trace.Rule.Id} [{CommandHelpers.EffectName(trace.Rule.Effect)}]: {action}; when: {trace.Rule.When ?? "(none)"} => {trace.ConditionResult}");
            }

            output.WriteLine($"decision: {CommandHelpers.EffectName(evaluation.Effect)}");
            if (evaluation.Effect == RuleEffect.StepUp)
            {
                output.WriteLine($"required: {evaluation.Level.ToName()} via {string.Join(", ", evaluation.Methods.ToNames())}, max_age {Durations.Format(evaluation.MaxAge)}{(evaluation.BindResource ? ", bound to the resource" : string.Empty)}{(evaluation.Once ? ", once" : string.Empty)}");
            }

            foreach (var reason in evaluation.Reasons)
            {
                output.WriteLine($"reason: {reason}");
            }

            return 0;
        });
        return command;
    }
}
