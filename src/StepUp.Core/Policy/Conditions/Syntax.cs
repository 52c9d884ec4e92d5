namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// The parse tree of a condition. <see cref="Start"/> is the offset of the node's first token,
/// <see cref="Position"/> the offset errors about the node point at (its operator or name);
/// <see cref="Height"/> bounds the recursion of every later pass.
/// </summary>
internal abstract class Syntax(int start, int position, int height)
{
    public int Start { get; } = start;
    public int Position { get; } = position;
    public int Height { get; } = height;

    protected static int Max(Syntax a) => a.Height + 1;

    protected static int Max(Syntax a, Syntax b) => Math.Max(a.Height, b.Height) + 1;

    protected static int Max(IReadOnlyList<Syntax> items, int extra = 0)
    {
        var height = extra;
        foreach (var item in items)
        {
            height = Math.Max(height, item.Height);
        }

        return height + 1;
    }
}

internal sealed class ErrorSyntax(int start) : Syntax(start, start, 1);

internal sealed class LiteralSyntax(int start, CelValue value) : Syntax(start, start, 1)
{
    public CelValue Value { get; } = value;
}

internal sealed class IdentSyntax(int start, string name) : Syntax(start, start, 1)
{
    public string Name { get; } = name;
}

/// <summary><c>operand.field</c>; <see cref="Syntax.Position"/> is the field name.</summary>
internal sealed class SelectSyntax(Syntax operand, int fieldPosition, string field) : Syntax(operand.Start, fieldPosition, Max(operand))
{
    public Syntax Operand { get; } = operand;
    public string Field { get; } = field;
}

/// <summary><c>operand[index]</c>; <see cref="Syntax.Position"/> is the <c>[</c>.</summary>
internal sealed class IndexSyntax(Syntax operand, int bracketPosition, Syntax index) : Syntax(operand.Start, bracketPosition, Max(operand, index))
{
    public Syntax Operand { get; } = operand;
    public Syntax Index { get; } = index;
}

/// <summary><c>name(args)</c> or <c>target.name(args)</c>; <see cref="Syntax.Position"/> is the name.</summary>
internal sealed class CallSyntax(int start, Syntax? target, int namePosition, string name, IReadOnlyList<Syntax> args)
    : Syntax(start, namePosition, Max(args, target?.Height ?? 0))
{
    public Syntax? Target { get; } = target;
    public string Name { get; } = name;
    public IReadOnlyList<Syntax> Args { get; } = args;
}

internal sealed class ListSyntax(int start, IReadOnlyList<Syntax> elements) : Syntax(start, start, Max(elements))
{
    public IReadOnlyList<Syntax> Elements { get; } = elements;
}

internal sealed class UnarySyntax(int opPosition, TokenKind op, Syntax operand) : Syntax(opPosition, opPosition, Max(operand))
{
    public TokenKind Op { get; } = op;
    public Syntax Operand { get; } = operand;
}

internal sealed class BinarySyntax(TokenKind op, int opPosition, Syntax left, Syntax right) : Syntax(left.Start, opPosition, Max(left, right))
{
    public TokenKind Op { get; } = op;
    public Syntax Left { get; } = left;
    public Syntax Right { get; } = right;
}

/// <summary>A flattened chain <c>a &amp;&amp; b &amp;&amp; c</c> (or <c>||</c>): both are associative in CEL, so a long chain stays shallow.</summary>
internal sealed class LogicalSyntax(bool isAnd, int opPosition, IReadOnlyList<Syntax> operands) : Syntax(operands[0].Start, opPosition, Max(operands))
{
    public bool IsAnd { get; } = isAnd;
    public IReadOnlyList<Syntax> Operands { get; } = operands;
}

internal sealed class TernarySyntax(Syntax condition, int questionPosition, Syntax whenTrue, Syntax whenFalse)
    : Syntax(condition.Start, questionPosition, Math.Max(condition.Height, Math.Max(whenTrue.Height, whenFalse.Height)) + 1)
{
    public Syntax Condition { get; } = condition;
    public Syntax WhenTrue { get; } = whenTrue;
    public Syntax WhenFalse { get; } = whenFalse;
}
