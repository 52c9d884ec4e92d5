using System.Security.Cryptography;
using System.Text;
using StepUp.Core.Policy.Conditions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StepUp.Core.Policy;

/// <summary>
/// Turns a policy YAML file into a <see cref="CompiledPolicy"/>: validates every section, compiles
/// every condition once, and reports all problems at once with file:line:column.
/// </summary>
public static partial class PolicyLoader
{
    private static readonly string[] TopLevelKeys = ["version", "defaults", "levels", "lists", "rules", "routes", "lockout", "alerts"];

    /// <summary>Loads a policy from text; <paramref name="source"/> names the file in diagnostics.</summary>
    public static PolicyLoadResult Load(string text, string source, PolicyLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var context = new LoadContext(source, text, options ?? PolicyLoadOptions.Default);
        var root = Parse(context);
        if (root is null)
        {
            return new PolicyLoadResult { Diagnostics = context.Diagnostics };
        }

        CheckKeys(context, root, TopLevelKeys, "policy");
        var version = Child(root, "version");
        if (version is null)
        {
            context.Error(root, "missing 'version: 1'");
        }
        else if (version is not YamlScalarNode { Value: "1" })
        {
            context.Error(version, "unsupported policy version (expected 1)");
        }

        var defaults = ReadDefaults(context, Child(root, "defaults"));
        var levels = ReadLevels(context, Child(root, "levels"));
        var lists = ReadLists(context, Child(root, "lists"));
        var rules = ReadRules(context, Child(root, "rules"), defaults, levels, lists);
        var routes = ReadRoutes(context, Child(root, "routes"));
        var lockout = ReadLockout(context, Child(root, "lockout"));
        var alerts = ReadAlerts(context, Child(root, "alerts"));

        if (context.HasErrors)
        {
            return new PolicyLoadResult { Diagnostics = context.Diagnostics };
        }

        var policy = new CompiledPolicy
        {
            Version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            Source = source,
            Text = text,
            Defaults = defaults,
            Levels = levels,
            Lists = lists,
            Rules = rules,
            Routes = routes,
            Lockout = lockout,
            Alerts = alerts,
            Warnings = context.Diagnostics.Where(d => d.IsWarning).ToList(),
        };
        return new PolicyLoadResult { Policy = policy, Diagnostics = context.Diagnostics };
    }

    /// <summary>Loads a policy file from disk.</summary>
    public static PolicyLoadResult LoadFile(string path, PolicyLoadOptions? options = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new PolicyLoadResult { Diagnostics = [new PolicyDiagnostic(path, 1, 1, "cannot read policy file: " + ex.Message)] };
        }

        return Load(text, path, options);
    }

    private static YamlMappingNode? Parse(LoadContext context)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(context.Text));
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
            context.Error(ex.Start, "invalid YAML: " + message);
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            context.Diagnostics.Add(new PolicyDiagnostic(context.Source, 1, 1, "a policy file holds exactly one YAML document"));
            return null;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            context.Error(stream.Documents[0].RootNode, "a policy must be a mapping with 'version' and 'rules'");
            return null;
        }

        return root;
    }

    private static ConditionScope Scope(LoadContext context, IReadOnlyDictionary<string, IReadOnlyList<string>> lists) => new()
    {
        Lists = lists,
        GeoAvailable = context.Options.GeoAvailable,
        AnonymousIpAvailable = context.Options.AnonymousIpAvailable,
    };
}
