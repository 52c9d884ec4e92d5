using StepUp.Core.Decisions;

namespace StepUp.Core.Policy.Conditions;

/// <summary><c>x in [constant strings]</c> or <c>x in lists.NAME</c>: one hash lookup, no allocation.</summary>
internal sealed class InStringSetNode(EvalNode value, HashSet<string> set) : EvalNode
{
    public override CelValue Eval(DecisionInput input)
    {
        var v = value.Eval(input);
        return v.Kind switch
        {
            CelKind.String => CelValue.FromBool(set.Contains(v.AsString)),
            CelKind.Error => v,
            _ => CelValue.False, // heterogeneous equality: a non-string equals no string
        };
    }
}

/// <summary><c>x in [constant scalars]</c> with mixed kinds: a hash lookup under CEL equality.</summary>
internal sealed class InValueSetNode(EvalNode value, HashSet<CelValue> set) : EvalNode
{
    public override CelValue Eval(DecisionInput input)
    {
        var v = value.Eval(input);
        return v.IsError ? v : CelValue.FromBool(set.Contains(v));
    }
}

/// <summary>
/// <c>x in [a, b, ...]</c> where the elements are computed: compares without building the list.
/// As in CEL, an error in any element (building the list) is the result.
/// </summary>
internal sealed class InListLiteralNode(EvalNode value, EvalNode[] elements) : EvalNode
{
    public override CelValue Eval(DecisionInput input)
    {
        var v = value.Eval(input);
        if (v.IsError)
        {
            return v;
        }

        var found = false;
        foreach (var element in elements)
        {
            var e = element.Eval(input);
            if (e.IsError)
            {
                return e;
            }

            found = found || CelOps.ValueEquals(v, e);
        }

        return CelValue.FromBool(found);
    }
}

/// <summary><c>x in context.auth.amr</c> without wrapping the string list.</summary>
internal sealed class InAmrNode(EvalNode value) : EvalNode
{
    public override CelValue Eval(DecisionInput input)
    {
        var v = value.Eval(input);
        if (v.IsError)
        {
            return v;
        }

        var amr = AuthFieldNode.ReadAmr(input, out var error);
        if (amr is null)
        {
            return error;
        }

        if (v.Kind != CelKind.String)
        {
            return CelValue.False;
        }

        var needle = v.AsString;
        for (var i = 0; i < amr.Count; i++)
        {
            if (string.Equals(amr[i], needle, StringComparison.Ordinal))
            {
                return CelValue.True;
            }
        }

        return CelValue.False;
    }
}

/// <summary><c>x in list</c> (linear, CEL equality) or <c>key in map</c> (key presence).</summary>
internal sealed class InNode(EvalNode left, EvalNode right) : BinaryNode(left, right)
{
    protected override CelValue Apply(in CelValue left, in CelValue right)
    {
        switch (right.Kind)
        {
            case CelKind.List:
                var list = right.AsList;
                for (var i = 0; i < list.Count; i++)
                {
                    if (CelOps.ValueEquals(left, list[i]))
                    {
                        return CelValue.True;
                    }
                }

                return CelValue.False;
            case CelKind.Map:
                return CelValue.FromBool(left.Kind == CelKind.String && right.AsMap.ContainsKey(left.AsString));
            default:
                return CelOps.NoOverload("in", left, right);
        }
    }
}
