using StepUp.Core.Decisions;

namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// A node of a compiled condition. Nodes are immutable and shared across threads; <see cref="Eval"/>
/// never throws and allocates nothing on the non-error path for scalar results.
/// </summary>
internal abstract class EvalNode
{
    public abstract CelValue Eval(DecisionInput input);
}

/// <summary>A value known at load time (a literal or a folded constant sub-expression).</summary>
internal sealed class ConstantNode(CelValue value) : EvalNode
{
    public static ConstantNode True { get; } = new(CelValue.True);
    public static ConstantNode False { get; } = new(CelValue.False);

    public CelValue Value { get; } = value;

    public override CelValue Eval(DecisionInput input) => Value;
}

/// <summary>Evaluates both operands left to right, propagating the first error, then applies the operator.</summary>
internal abstract class BinaryNode(EvalNode left, EvalNode right) : EvalNode
{
    public EvalNode Left { get; } = left;
    public EvalNode Right { get; } = right;

    public sealed override CelValue Eval(DecisionInput input)
    {
        var l = Left.Eval(input);
        if (l.IsError)
        {
            return l;
        }

        var r = Right.Eval(input);
        return r.IsError ? r : Apply(l, r);
    }

    protected abstract CelValue Apply(in CelValue left, in CelValue right);
}

/// <summary>Evaluates its operand, propagating an error, then applies the operation.</summary>
internal abstract class UnaryNode(EvalNode operand) : EvalNode
{
    public EvalNode Operand { get; } = operand;

    public sealed override CelValue Eval(DecisionInput input)
    {
        var value = Operand.Eval(input);
        return value.IsError ? value : Apply(value);
    }

    protected abstract CelValue Apply(in CelValue value);
}
