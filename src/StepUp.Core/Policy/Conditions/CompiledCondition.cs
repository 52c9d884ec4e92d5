using StepUp.Core.Decisions;

namespace StepUp.Core.Policy.Conditions;

/// <summary>A condition compiled to a tree of evaluation nodes; immutable and safe to share across threads.</summary>
internal sealed class CompiledCondition
{
    private readonly EvalNode _root;

    internal CompiledCondition(string source, EvalNode root, bool readsGeo)
    {
        Source = source;
        _root = root;
        ReadsGeo = readsGeo;
    }

    /// <summary>The condition text as written in the policy.</summary>
    public string Source { get; }

    /// <summary>True when the condition reads <c>context.geo</c> (the <c>denied_region</c> detector uses it).</summary>
    public bool ReadsGeo { get; }

    /// <summary>The constant result when the condition does not depend on the input at all (e.g. <c>true</c>); otherwise null.</summary>
    public CelValue? ConstantValue => _root is ConstantNode constant ? constant.Value : null;

    /// <summary>Evaluates the condition. Never throws: the result is a bool value or an error value with a message.</summary>
    public CelValue Evaluate(DecisionInput input)
    {
        if (input is null)
        {
            return CelValue.Error("no decision input");
        }

        CelValue result;
        try
        {
            result = _root.Eval(input);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nodes do not throw; this only guards against a broken input object (e.g. a throwing custom map).
            return CelValue.Error("condition evaluation failed: " + ex.Message);
        }

        return result.Kind is CelKind.Bool or CelKind.Error
            ? result
            : CelValue.Error($"condition evaluated to {CelOps.KindName(result.Kind)}, not bool");
    }
}
