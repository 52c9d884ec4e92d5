using System.Globalization;
using StepUp.Core.Decisions;

namespace StepUp.Core.Policy.Conditions;

/// <summary><c>m.key</c> or <c>m["key"]</c> on a map value: a missing key is the error <c>no such key: key</c>.</summary>
internal sealed class MapFieldNode(EvalNode operand, string key) : EvalNode
{
    private readonly string _missing = "no such key: " + key;

    public override CelValue Eval(DecisionInput input)
    {
        var m = operand.Eval(input);
        if (m.Kind == CelKind.Map)
        {
            return m.AsMap.TryGetValue(key, out var value) ? value : CelValue.Error(_missing);
        }

        return m.IsError ? m : CelValue.Error($"type '{CelOps.KindName(m.Kind)}' has no field '{key}'");
    }
}

/// <summary><c>has(m.key)</c> on a map value.</summary>
internal sealed class HasFieldNode(EvalNode operand, string key) : EvalNode
{
    public override CelValue Eval(DecisionInput input)
    {
        var m = operand.Eval(input);
        if (m.Kind == CelKind.Map)
        {
            return CelValue.FromBool(m.AsMap.ContainsKey(key));
        }

        return m.IsError ? m : CelValue.Error($"has() cannot test a field of type '{CelOps.KindName(m.Kind)}'");
    }
}

/// <summary><c>x[i]</c> with a computed index: list by int (or integral double), map by string key.</summary>
internal sealed class IndexNode(EvalNode operand, EvalNode index) : BinaryNode(operand, index)
{
    protected override CelValue Apply(in CelValue left, in CelValue right)
    {
        if (left.Kind == CelKind.Map)
        {
            if (right.Kind != CelKind.String)
            {
                return CelValue.Error($"map keys are strings, not {CelOps.KindName(right.Kind)}");
            }

            return left.AsMap.TryGetValue(right.AsString, out var value)
                ? value
                : CelValue.Error("no such key: " + CelOps.Clip(right.AsString));
        }

        if (left.Kind == CelKind.List)
        {
            long i;
            if (right.Kind == CelKind.Int)
            {
                i = right.AsInt;
            }
            else if (right.Kind == CelKind.Double && right.AsDouble == Math.Floor(right.AsDouble) && Math.Abs(right.AsDouble) < 1e15)
            {
                i = (long)right.AsDouble;
            }
            else
            {
                return CelValue.Error($"list index must be an int, not {CelOps.KindName(right.Kind)}");
            }

            var list = left.AsList;
            return i >= 0 && i < list.Count
                ? list[(int)i]
                : CelValue.Error(string.Create(CultureInfo.InvariantCulture, $"index out of range: {i}"));
        }

        return CelValue.Error($"type '{CelOps.KindName(left.Kind)}' does not support indexing");
    }
}

/// <summary>A list literal with computed elements, built at evaluation (allocates).</summary>
internal sealed class ListNode(EvalNode[] elements) : EvalNode
{
    public EvalNode[] Elements { get; } = elements;

    public override CelValue Eval(DecisionInput input)
    {
        var items = new CelValue[Elements.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var value = Elements[i].Eval(input);
            if (value.IsError)
            {
                return value;
            }

            items[i] = value;
        }

        return CelValue.FromList(items);
    }
}
