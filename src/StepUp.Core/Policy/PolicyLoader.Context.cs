using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StepUp.Core.Policy;

public static partial class PolicyLoader
{
    /// <summary>State of one load: the source, its lines and every diagnostic so far.</summary>
    private sealed class LoadContext(string source, string text, PolicyLoadOptions options)
    {
        public string Source { get; } = source;
        public string Text { get; } = text;
        public PolicyLoadOptions Options { get; } = options;
        public List<PolicyDiagnostic> Diagnostics { get; } = [];
        public bool HasErrors => Diagnostics.Exists(d => !d.IsWarning);

        public void Error(YamlNode node, string message) => Error(node.Start, message);

        public void Error(Mark mark, string message) =>
            Diagnostics.Add(new PolicyDiagnostic(Source, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), message));

        public void Add(int line, int column, string message, bool warning) =>
            Diagnostics.Add(new PolicyDiagnostic(Source, line, column, message, warning));

        /// <summary>Maps a 1-based position inside a scalar's value to a position in the file.</summary>
        public (int Line, int Column) MapScalarPosition(YamlScalarNode node, int line, int column)
        {
            var start = node.Start;
            switch (node.Style)
            {
                case ScalarStyle.Literal:
                case ScalarStyle.Folded:
                    {
                        // Block scalars start on the line after the indicator; add the block's indentation.
                        var fileLine = (int)start.Line + line;
                        return (fileLine, IndentOf(fileLine) + column);
                    }

                case ScalarStyle.SingleQuoted:
                case ScalarStyle.DoubleQuoted:
                    return line == 1 ? ((int)start.Line, (int)start.Column + column) : ((int)start.Line + line - 1, column);
                default:
                    return line == 1 ? ((int)start.Line, (int)start.Column + column - 1) : ((int)start.Line + line - 1, IndentOf((int)start.Line + line - 1) + column);
            }
        }

        private int IndentOf(int fileLine)
        {
            var lines = Text.Split('\n');
            if (fileLine < 1 || fileLine > lines.Length)
            {
                return 0;
            }

            var text = lines[fileLine - 1];
            var indent = 0;
            while (indent < text.Length && text[indent] == ' ')
            {
                indent++;
            }

            return indent;
        }
    }

    private static YamlNode? Child(YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }

        foreach (var entry in map.Children)
        {
            if (entry.Key is YamlScalarNode { Value: var name } && name == key)
            {
                return entry.Value;
            }
        }

        return null;
    }

    private static void CheckKeys(LoadContext context, YamlMappingNode map, string[] allowed, string where)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value;
            if (name is null || Array.IndexOf(allowed, name) < 0)
            {
                context.Error(key, $"unknown key '{name}' in {where} (allowed: {string.Join(", ", allowed)})");
            }
        }
    }

    private static YamlMappingNode? AsMapping(LoadContext context, YamlNode? node, string what)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlMappingNode map:
                return map;
            default:
                context.Error(node, $"{what} must be a mapping");
                return null;
        }
    }

    private static YamlSequenceNode? AsSequence(LoadContext context, YamlNode? node, string what)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlSequenceNode seq:
                return seq;
            default:
                context.Error(node, $"{what} must be a list");
                return null;
        }
    }

    private static string? AsString(LoadContext context, YamlNode? node, string what)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode { Value: { } value }:
                return value;
            default:
                context.Error(node, $"{what} must be a string");
                return null;
        }
    }

    private static TimeSpan? AsDuration(LoadContext context, YamlNode? node, string what)
    {
        var text = AsString(context, node, what);
        if (text is null)
        {
            return null;
        }

        if (!Durations.TryParse(text, out var duration) || duration <= TimeSpan.Zero)
        {
            context.Error(node!, $"{what}: '{text}' is not a positive duration (e.g. 30s, 5m, 1h30m)");
            return null;
        }

        return duration;
    }

    private static int? AsInt(LoadContext context, YamlNode? node, string what, int min, int max)
    {
        var text = AsString(context, node, what);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            context.Error(node!, $"{what}: '{text}' is not an integer between {min} and {max}");
            return null;
        }

        return value;
    }

    private static double? AsDouble(LoadContext context, YamlNode? node, string what)
    {
        var text = AsString(context, node, what);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) || value <= 0 || !double.IsFinite(value))
        {
            context.Error(node!, $"{what}: '{text}' is not a positive number");
            return null;
        }

        return value;
    }

    private static bool? AsBool(LoadContext context, YamlNode? node, string what)
    {
        var text = AsString(context, node, what);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                context.Error(node!, $"{what}: '{text}' is not true or false");
                return null;
        }
    }
}
