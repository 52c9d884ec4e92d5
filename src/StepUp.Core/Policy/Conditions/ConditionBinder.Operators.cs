namespace StepUp.Core.Policy.Conditions;

/// <summary>Operators: static overload checks, constant folding and node selection.</summary>
internal sealed partial class ConditionBinder
{
    private Bound BindUnary(UnarySyntax unary)
    {
        var operand = BindValue(unary.Operand);
        if (operand.Type.Kind == TypeKind.Error)
        {
            return Invalid;
        }

        if (unary.Op == TokenKind.Bang)
        {
            if (!operand.Type.IsDynamic && operand.Type.Kind != TypeKind.Bool)
            {
                Error(unary.Position, $"'!' expects a bool operand, got {operand.Type}");
                return Invalid;
            }

            return Fold(new Bound(CelType.Bool, new NotNode(operand.Node)), unary.Position, operand);
        }

        if (!operand.Type.IsDynamic && !operand.Type.IsNumeric && operand.Type.Kind != TypeKind.Duration)
        {
            Error(unary.Position, $"'-' expects an int or double operand, got {operand.Type}");
            return Invalid;
        }

        return Fold(new Bound(operand.Type, new NegateNode(operand.Node)), unary.Position, operand);
    }

    private Bound BindLogical(LogicalSyntax logical)
    {
        var symbol = logical.IsAnd ? "&&" : "||";
        var operands = new Bound[logical.Operands.Count];
        var invalid = false;
        for (var i = 0; i < operands.Length; i++)
        {
            operands[i] = BindValue(logical.Operands[i]);
            var type = operands[i].Type;
            if (!type.IsDynamic && type.Kind != TypeKind.Bool)
            {
                Error(logical.Operands[i].Start, $"'{symbol}' expects bool operands, but this one is {type}");
                invalid = true;
            }

            invalid |= type.Kind == TypeKind.Error;
        }

        if (invalid)
        {
            return Invalid;
        }

        // Constant operands: the absorbing value decides (false for &&, true for ||); the identity drops out.
        var nodes = new List<EvalNode>(operands.Length);
        var onlyBools = true;
        foreach (var operand in operands)
        {
            if (operand.IsConstant && operand.Constant.Kind == CelKind.Bool)
            {
                if (operand.Constant.AsBool != logical.IsAnd)
                {
                    return new Bound(CelType.Bool, logical.IsAnd ? ConstantNode.False : ConstantNode.True);
                }

                continue;
            }

            onlyBools &= operand.Type.Kind == TypeKind.Bool;
            nodes.Add(operand.Node);
        }

        EvalNode node = nodes.Count switch
        {
            0 => logical.IsAnd ? ConstantNode.True : ConstantNode.False,
            1 when onlyBools => nodes[0],
            _ => logical.IsAnd ? new AndNode([.. nodes]) : new OrNode([.. nodes]),
        };
        return new Bound(CelType.Bool, node);
    }

    private Bound BindTernary(TernarySyntax ternary)
    {
        var condition = BindValue(ternary.Condition);
        var whenTrue = BindValue(ternary.WhenTrue);
        var whenFalse = BindValue(ternary.WhenFalse);
        if (!condition.Type.IsDynamic && condition.Type.Kind != TypeKind.Bool)
        {
            Error(ternary.Condition.Start, $"the condition of '? :' must be bool, got {condition.Type}");
            return Invalid;
        }

        if (condition.Type.Kind == TypeKind.Error || whenTrue.Type.Kind == TypeKind.Error || whenFalse.Type.Kind == TypeKind.Error)
        {
            return Invalid;
        }

        if (condition.IsConstant && condition.Constant.Kind == CelKind.Bool)
        {
            return condition.Constant.AsBool ? whenTrue : whenFalse;
        }

        var type = CelType.Join(whenTrue.Type, whenFalse.Type);
        return new Bound(type, new TernaryNode(condition.Node, whenTrue.Node, whenFalse.Node));
    }

    private Bound BindBinary(BinarySyntax binary)
    {
        var left = BindValue(binary.Left);
        var right = BindValue(binary.Right);
        if (binary.Op == TokenKind.In && right.Path == GeoPath && left.IsConstant && left.Constant.Kind == CelKind.String)
        {
            _geoGuards.Add(left.Constant.AsString); // "country" in context.geo guards like has()
        }

        if (left.Type.Kind == TypeKind.Error || right.Type.Kind == TypeKind.Error)
        {
            return Invalid;
        }

        switch (binary.Op)
        {
            case TokenKind.EqualEqual or TokenKind.BangEqual:
                var equality = binary.Op == TokenKind.EqualEqual ? RelationOp.Equal : RelationOp.NotEqual;
                return Fold(new Bound(CelType.Bool, new RelationNode(equality, left.Node, right.Node)), binary.Position, left, right);
            case TokenKind.Less or TokenKind.LessEqual or TokenKind.Greater or TokenKind.GreaterEqual:
                if (!CanOrder(left.Type, right.Type))
                {
                    Error(binary.Position, $"cannot compare {left.Type} {Symbol(binary.Op)} {right.Type}");
                    return Invalid;
                }

                var op = binary.Op switch
                {
                    TokenKind.Less => RelationOp.Less,
                    TokenKind.LessEqual => RelationOp.LessOrEqual,
                    TokenKind.Greater => RelationOp.Greater,
                    _ => RelationOp.GreaterOrEqual,
                };
                return Fold(new Bound(CelType.Bool, new RelationNode(op, left.Node, right.Node)), binary.Position, left, right);
            case TokenKind.In:
                return BindIn(binary, left, right);
            default:
                var type = ArithmeticType(binary.Op, left.Type, right.Type);
                if (type is null)
                {
                    Error(binary.Position, $"no matching overload for '{Symbol(binary.Op)}' applied to ({left.Type}, {right.Type})");
                    return Invalid;
                }

                var arithmetic = binary.Op switch
                {
                    TokenKind.Plus => ArithmeticOp.Add,
                    TokenKind.Minus => ArithmeticOp.Subtract,
                    TokenKind.Star => ArithmeticOp.Multiply,
                    TokenKind.Slash => ArithmeticOp.Divide,
                    _ => ArithmeticOp.Modulo,
                };
                return Fold(new Bound(type, new ArithmeticNode(arithmetic, left.Node, right.Node)), binary.Position, left, right);
        }
    }

    private Bound BindIn(BinarySyntax binary, Bound left, Bound right)
    {
        if (!right.Type.IsDynamic && right.Type.Kind is not (TypeKind.List or TypeKind.Map))
        {
            Error(binary.Position, $"'in' expects a list or a map on its right, got {right.Type}");
            return Invalid;
        }

        EvalNode node;
        if (right.IsConstant && right.Constant.Kind == CelKind.List)
        {
            node = ConstantMembership(left.Node, right.Constant.AsList);
        }
        else if (right.Node is ListNode literal)
        {
            node = new InListLiteralNode(left.Node, literal.Elements);
        }
        else if (right.Node is AuthFieldNode { Field: AuthField.Amr })
        {
            node = new InAmrNode(left.Node);
        }
        else
        {
            node = new InNode(left.Node, right.Node);
        }

        return Fold(new Bound(CelType.Bool, node), binary.Position, left, right);
    }

    /// <summary>Membership in a list known at load time: a hash set built once, shared by every use of the same list.</summary>
    private EvalNode ConstantMembership(EvalNode value, IReadOnlyList<CelValue> list)
    {
        var allStrings = true;
        var allHashable = true;
        foreach (var item in list)
        {
            allStrings &= item.Kind == CelKind.String;
            allHashable &= CelValueEqualityComparer.IsHashable(item.Kind);
        }

        if (allStrings)
        {
            if (!_stringSets.TryGetValue(list, out var set))
            {
                set = new HashSet<string>(list.Count, StringComparer.Ordinal);
                foreach (var item in list)
                {
                    set.Add(item.AsString);
                }

                _stringSets[list] = set;
            }

            return new InStringSetNode(value, set);
        }

        return allHashable
            ? new InValueSetNode(value, new HashSet<CelValue>(list, CelValueEqualityComparer.Instance))
            : new InNode(value, new ConstantNode(CelValue.FromList(list)));
    }

    private static bool CanOrder(CelType left, CelType right)
    {
        static bool Orderable(TypeKind kind) =>
            kind is TypeKind.Int or TypeKind.Double or TypeKind.String or TypeKind.Bool or TypeKind.Timestamp or TypeKind.Duration;

        if (left.IsDynamic || right.IsDynamic)
        {
            return (left.IsDynamic || Orderable(left.Kind)) && (right.IsDynamic || Orderable(right.Kind));
        }

        return (left.IsNumeric && right.IsNumeric) || (left.Kind == right.Kind && Orderable(left.Kind));
    }

    /// <summary>The result type of an arithmetic operator, or null when no overload applies.</summary>
    private static CelType? ArithmeticType(TokenKind op, CelType left, CelType right)
    {
        if (left.IsDynamic || right.IsDynamic)
        {
            var known = left.IsDynamic ? right : left;
            return known.IsDynamic || AcceptsArithmetic(op, known.Kind) ? CelType.Dyn : null;
        }

        if (left.IsNumeric && right.IsNumeric)
        {
            return left.Kind == TypeKind.Int && right.Kind == TypeKind.Int ? CelType.Int : CelType.Double;
        }

        return (op, left.Kind, right.Kind) switch
        {
            (TokenKind.Plus, TypeKind.String, TypeKind.String) => CelType.String,
            (TokenKind.Plus, TypeKind.List, TypeKind.List) => CelType.ListOf(CelType.Join(left.Element!, right.Element!)),
            (TokenKind.Plus, TypeKind.Timestamp, TypeKind.Duration) => CelType.Timestamp,
            (TokenKind.Plus, TypeKind.Duration, TypeKind.Timestamp) => CelType.Timestamp,
            (TokenKind.Plus or TokenKind.Minus, TypeKind.Duration, TypeKind.Duration) => CelType.Duration,
            (TokenKind.Minus, TypeKind.Timestamp, TypeKind.Timestamp) => CelType.Duration,
            (TokenKind.Minus, TypeKind.Timestamp, TypeKind.Duration) => CelType.Timestamp,
            _ => null,
        };
    }

    private static bool AcceptsArithmetic(TokenKind op, TypeKind kind) => op switch
    {
        TokenKind.Plus => kind is TypeKind.Int or TypeKind.Double or TypeKind.String or TypeKind.List or TypeKind.Timestamp or TypeKind.Duration,
        TokenKind.Minus => kind is TypeKind.Int or TypeKind.Double or TypeKind.Timestamp or TypeKind.Duration,
        _ => kind is TypeKind.Int or TypeKind.Double,
    };

    private static string Symbol(TokenKind op) => Token.Describe(op).Trim('\'');
}
