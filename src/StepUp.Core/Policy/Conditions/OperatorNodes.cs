namespace StepUp.Core.Policy.Conditions;

internal enum ArithmeticOp : byte
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}

internal enum RelationOp : byte
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

internal sealed class ArithmeticNode(ArithmeticOp op, EvalNode left, EvalNode right) : BinaryNode(left, right)
{
    protected override CelValue Apply(in CelValue left, in CelValue right) => op switch
    {
        ArithmeticOp.Add => CelOps.Add(left, right),
        ArithmeticOp.Subtract => CelOps.Subtract(left, right),
        ArithmeticOp.Multiply => CelOps.Multiply(left, right),
        ArithmeticOp.Divide => CelOps.Divide(left, right),
        _ => CelOps.Modulo(left, right),
    };
}

internal sealed class NegateNode(EvalNode operand) : UnaryNode(operand)
{
    protected override CelValue Apply(in CelValue value) => CelOps.Negate(value);
}

/// <summary>
/// Comparisons. <c>==</c>/<c>!=</c> are CEL heterogeneous equality (never an error for values);
/// orderings work within numbers (int and double mixed), strings (ordinal), bools, timestamps and
/// durations, are false when a NaN is involved, and are an error across other kinds.
/// </summary>
internal sealed class RelationNode(RelationOp op, EvalNode left, EvalNode right) : BinaryNode(left, right)
{
    protected override CelValue Apply(in CelValue left, in CelValue right)
    {
        if (op == RelationOp.Equal)
        {
            return CelValue.FromBool(CelOps.ValueEquals(left, right));
        }

        if (op == RelationOp.NotEqual)
        {
            return CelValue.FromBool(!CelOps.ValueEquals(left, right));
        }

        var c = CelOps.Compare(left, right);
        if (c == CelOps.NotComparable)
        {
            return CelOps.NoOverload(Symbol(op), left, right);
        }

        return CelValue.FromBool(c != CelOps.Unordered && op switch
        {
            RelationOp.Less => c < 0,
            RelationOp.LessOrEqual => c <= 0,
            RelationOp.Greater => c > 0,
            _ => c >= 0,
        });
    }

    private static string Symbol(RelationOp op) => op switch
    {
        RelationOp.Less => "<",
        RelationOp.LessOrEqual => "<=",
        RelationOp.Greater => ">",
        _ => ">=",
    };
}
