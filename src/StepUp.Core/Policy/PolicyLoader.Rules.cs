using StepUp.Core.Policy.Conditions;
using YamlDotNet.RepresentationModel;

namespace StepUp.Core.Policy;

public static partial class PolicyLoader
{
    private static readonly string[] RuleKeys = ["id", "description", "actions", "when", "effect", "level", "methods", "max_age", "bind", "once"];

    private static List<PolicyRule> ReadRules(
        LoadContext context,
        YamlNode? node,
        PolicyDefaults defaults,
        IReadOnlyDictionary<AssuranceLevel, LevelRequirement> levels,
        IReadOnlyDictionary<string, IReadOnlyList<string>> lists)
    {
        var rules = new List<PolicyRule>();
        var seq = AsSequence(context, node, "rules");
        if (seq is null)
        {
            return rules;
        }

        var scope = Scope(context, lists);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in seq)
        {
            var map = AsMapping(context, item, "a rule");
            if (map is null)
            {
                continue;
            }

            var rule = ReadRule(context, map, defaults, levels, scope);
            if (rule is null)
            {
                continue;
            }

            if (!seen.Add(rule.Id))
            {
                context.Error(Child(map, "id")!, $"duplicate rule id '{rule.Id}'");
                continue;
            }

            rules.Add(rule);
        }

        return rules;
    }

    private static PolicyRule? ReadRule(
        LoadContext context,
        YamlMappingNode map,
        PolicyDefaults defaults,
        IReadOnlyDictionary<AssuranceLevel, LevelRequirement> levels,
        ConditionScope scope)
    {
        CheckKeys(context, map, RuleKeys, "rule");
        var errorsBefore = context.Diagnostics.Count(d => !d.IsWarning);

        var idNode = Child(map, "id");
        var id = AsString(context, idNode, "rule id");
        var idMistyped = idNode is not null and not YamlScalarNode;
        if (!idMistyped && (id is null || id.Length == 0 || id.Length > 100 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            context.Error(idNode ?? map, "a rule needs an 'id' (letters, digits, '-', '_', '.')");
        }

        var actions = ReadActions(context, Child(map, "actions"));
        var (when, condition) = ReadCondition(context, Child(map, "when"), scope);

        var effectNode = Child(map, "effect");
        var effectText = AsString(context, effectNode, "effect");
        RuleEffect effect = RuleEffect.Allow;
        switch (effectText)
        {
            case "allow": effect = RuleEffect.Allow; break;
            case "deny": effect = RuleEffect.Deny; break;
            case "step_up": effect = RuleEffect.StepUp; break;
            default:
                context.Error(effectNode ?? map, effectText is null
                    ? "a rule needs an 'effect' (allow, step_up or deny)"
                    : $"unknown effect '{effectText}' (allow, step_up or deny)");
                break;
        }

        var levelNode = Child(map, "level");
        var levelText = AsString(context, levelNode, "level");
        var level = AssuranceLevel.Aal2;
        if (levelText is not null && (!PolicyNames.TryParseLevel(levelText, out level) || level == AssuranceLevel.Aal1))
        {
            context.Error(levelNode!, $"unknown step-up level '{levelText}' (aal2 or aal3)");
            level = AssuranceLevel.Aal2;
        }

        var methodsNode = Child(map, "methods");
        var levelMethods = levels[level].Methods;
        var methods = ReadMethods(context, methodsNode, "methods") ?? levelMethods;
        if (methodsNode is not null && (methods & ~levelMethods) != 0)
        {
            context.Error(methodsNode, $"methods {string.Join(", ", (methods & ~levelMethods).ToNames())} cannot reach {level.ToName()}");
            methods &= levelMethods;
        }

        var maxAge = AsDuration(context, Child(map, "max_age"), "max_age") ?? defaults.MaxAge;
        var bindNode = Child(map, "bind");
        var bind = AsString(context, bindNode, "bind");
        if (bind is not null && bind != "resource" && bind != "none")
        {
            context.Error(bindNode!, $"bind must be 'resource' or 'none', not '{bind}'");
        }

        var once = AsBool(context, Child(map, "once"), "once") ?? false;
        if (effect != RuleEffect.StepUp)
        {
            foreach (var key in new[] { "level", "methods", "max_age", "bind", "once" })
            {
                if (Child(map, key) is { } extra)
                {
                    context.Error(extra, $"'{key}' only applies to step_up rules");
                }
            }
        }

        if (context.Diagnostics.Count(d => !d.IsWarning) > errorsBefore)
        {
            return null;
        }

        return new PolicyRule
        {
            Id = id!,
            Line = (int)map.Start.Line,
            Actions = actions,
            When = when,
            Condition = condition,
            Effect = effect,
            Level = level,
            Methods = methods,
            MaxAge = maxAge,
            BindResource = bind == "resource",
            Once = once,
            Reason = when is null ? id! : $"{id}: {when}",
        };
    }

    private static List<ActionGlob>? ReadActions(LoadContext context, YamlNode? node)
    {
        if (node is null)
        {
            return null;
        }

        // A single pattern may be written without brackets.
        IEnumerable<YamlNode> items = node is YamlScalarNode ? [node] : AsSequence(context, node, "actions")?.Children ?? [];
        var globs = new List<ActionGlob>();
        foreach (var item in items)
        {
            var pattern = AsString(context, item, "action pattern");
            if (pattern is null)
            {
                continue;
            }

            var glob = ActionGlob.TryParse(pattern, out var error);
            if (glob is null)
            {
                context.Error(item, error!);
                continue;
            }

            globs.Add(glob);
        }

        if (globs.Count == 0 && !context.HasErrors)
        {
            context.Error(node, "actions must list at least one pattern (omit 'actions' to match every action)");
        }

        return globs;
    }

    private static (string? When, CompiledCondition? Condition) ReadCondition(LoadContext context, YamlNode? node, ConditionScope scope)
    {
        if (node is null)
        {
            return (null, null);
        }

        if (node is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value))
        {
            context.Error(node, "'when' must be a condition string");
            return (null, null);
        }

        var source = scalar.Value.Trim();
        var diagnostics = new List<ConditionDiagnostic>();
        var compiled = ConditionCompiler.Compile(scalar.Value, scope, diagnostics);
        foreach (var d in diagnostics)
        {
            var (line, column) = context.MapScalarPosition(scalar, d.Line, d.Column);
            context.Add(line, column, d.Message, d.IsWarning);
        }

        return (source, compiled);
    }
}
