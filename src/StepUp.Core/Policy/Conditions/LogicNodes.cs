using StepUp.Core.Decisions;

namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// <c>a &amp;&amp; b &amp;&amp; ...</c> with CEL's commutative error absorption: any false operand makes the
/// result false (even after an error); otherwise the first error (or non-bool operand) is the result.
/// Evaluation stops at the first false.
/// </summary>
internal sealed class AndNode(EvalNode[] operands) : EvalNode
{
    public override CelValue Eval(DecisionInput input)
    {
        var pending = default(CelValue);
        var failed = false;
        foreach (var operand in operands)
        {
            var value = operand.Eval(input);
            if (value.Kind == CelKind.Bool)
            {
                if (!value.AsBool)
                {
                    return CelValue.False;
                }
            }
            else if (!failed)
            {
                failed = true;
                pending = value.IsError ? value : CelOps.NoOverload("&&", value);
            }
        }

        return failed ? pending : CelValue.True;
    }
}

/// <summary><c>a || b || ...</c>: any true operand makes the result true; otherwise the first error is the result.</summary>
internal sealed class OrNode(EvalNode[] operands) : EvalNode
{
    public override CelValue Eval(DecisionInput input)
    {
        var pending = default(CelValue);
        var failed = false;
        foreach (var operand in operands)
        {
            var value = operand.Eval(input);
            if (value.Kind == CelKind.Bool)
            {
                if (value.AsBool)
                {
                    return CelValue.True;
                }
            }
            else if (!failed)
            {
                failed = true;
                pending = value.IsError ? value : CelOps.NoOverload("||", value);
            }
        }

        return failed ? pending : CelValue.False;
    }
}

internal sealed class NotNode(EvalNode operand) : UnaryNode(operand)
{
    protected override CelValue Apply(in CelValue value) =>
        value.Kind == CelKind.Bool ? CelValue.FromBool(!value.AsBool) : CelOps.NoOverload("!", value);
}

internal sealed class TernaryNode(EvalNode condition, EvalNode whenTrue, EvalNode whenFalse) : EvalNode
{
    public override CelValue Eval(DecisionInput input)
    {
        var c = condition.Eval(input);
        return c.Kind == CelKind.Bool
            ? (c.AsBool ? whenTrue : whenFalse).Eval(input)
            : CelOps.NoOverload("?:", c);
    }
}
