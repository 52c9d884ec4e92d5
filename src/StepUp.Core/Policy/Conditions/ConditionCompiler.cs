using System.Globalization;

namespace StepUp.Core.Policy.Conditions;

/// <summary>Compiles a condition (SPEC §4.2, a CEL subset) once at policy load; see docs/policy-conditions.md.</summary>
internal static class ConditionCompiler
{
    public const int MaxSourceLength = 4096;

    /// <summary>
    /// Parses, type-checks and compiles <paramref name="source"/>. Appends every error and warning
    /// found to <paramref name="diagnostics"/> (ordered by position) and returns null when there was any error.
    /// </summary>
    public static CompiledCondition? Compile(string source, ConditionScope scope, ICollection<ConditionDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(diagnostics);

        var bag = new DiagnosticBag();
        if (source.Length > MaxSourceLength)
        {
            bag.Error(0, string.Create(CultureInfo.InvariantCulture,
                $"condition is too long ({source.Length} characters; the limit is {MaxSourceLength})"));
            bag.CopyTo(source, diagnostics);
            return null;
        }

        var tokens = ConditionLexer.Tokenize(source, bag);
        var syntax = ConditionParser.Parse(tokens, bag, out var tooDeep);
        EvalNode? root = null;
        var readsGeo = false;
        if (!tooDeep)
        {
            // Type errors are reported even after syntax errors, so one load lists them all.
            var binder = new ConditionBinder(scope, bag);
            root = binder.BindCondition(syntax);
            readsGeo = binder.ReadsGeo;
        }

        bag.CopyTo(source, diagnostics);
        return bag.HasErrors || root is null ? null : new CompiledCondition(source, root, readsGeo);
    }
}
