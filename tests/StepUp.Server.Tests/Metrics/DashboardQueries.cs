using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StepUp.Server.Tests.Metrics;

/// <summary>The PromQL of deploy/grafana/stepup.json, with Grafana's variables replaced by concrete values.</summary>
public static partial class DashboardQueries
{
    // What Grafana would put in, for a short test range scraped every second.
    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal)
    {
        ["__rate_interval"] = "1m",
        ["__interval"] = "15s",
        ["__range"] = "5m",
        ["instance"] = ".*",
    };

    public static string DashboardPath => Path.Combine(ExternalTool.RepositoryRoot(), "deploy", "grafana", "stepup.json");

    public static JsonObject Dashboard() => JsonNode.Parse(File.ReadAllText(DashboardPath))!.AsObject();

    /// <summary>Every <c>targets[].expr</c>, wherever it sits (rows may nest panels), by panel title.</summary>
    public static List<(string Panel, string Expr)> Expressions()
    {
        var found = new List<(string, string)>();
        Walk(Dashboard(), found);
        return found;
    }

    /// <summary>Replaces <c>$name</c>, <c>${name}</c> and <c>${name:format}</c>; an unknown variable is an error.</summary>
    public static string Substitute(string expr) => VariablePattern().Replace(expr, match =>
    {
        var name = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
        return Variables.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"unknown dashboard variable ${name} in: {expr}");
    });

    private static void Walk(JsonNode? node, List<(string, string)> found)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["targets"] is JsonArray targets)
                {
                    foreach (var target in targets)
                    {
                        if (target?["expr"]?.GetValue<string>() is { } expr)
                        {
                            found.Add((obj["title"]?.GetValue<string>() ?? "?", expr));
                        }
                    }
                }

                foreach (var (_, child) in obj)
                {
                    Walk(child, found);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Walk(child, found);
                }

                break;
        }
    }

    [GeneratedRegex(@"\$\{(\w+)(?::\w+)?\}|\$(\w+)")]
    private static partial Regex VariablePattern();
}
