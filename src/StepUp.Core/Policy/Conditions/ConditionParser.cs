namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// Recursive-descent parser with CEL's precedence: <c>?:</c> &lt; <c>||</c> &lt; <c>&amp;&amp;</c> &lt;
/// relations &lt; <c>+ -</c> &lt; <c>* / %</c> &lt; unary &lt; member, index and call. Nesting is bounded
/// (<see cref="MaxDepth"/>) so hostile input cannot exhaust the stack; errors are reported and
/// parsing continues where it can, so one pass finds most problems.
/// </summary>
internal sealed partial class ConditionParser
{
    public const int MaxDepth = 64;

    private readonly List<Token> _tokens;
    private readonly DiagnosticBag _diagnostics;
    private int _index;
    private int _depth;
    private int _lastErrorOffset = -1;

    private ConditionParser(List<Token> tokens, DiagnosticBag diagnostics)
    {
        _tokens = tokens;
        _diagnostics = diagnostics;
    }

    /// <summary>True when parsing stopped because the input nests too deeply; the tree is then incomplete.</summary>
    public bool TooDeep { get; private set; }

    public static Syntax Parse(List<Token> tokens, DiagnosticBag diagnostics, out bool tooDeep)
    {
        var parser = new ConditionParser(tokens, diagnostics);
        var result = parser.ParseCondition();
        tooDeep = parser.TooDeep;
        return result;
    }

    private Token Current => _tokens[_index];

    private Token PeekNext => _tokens[Math.Min(_index + 1, _tokens.Count - 1)];

    private Token Advance()
    {
        var token = _tokens[_index];
        if (token.Kind != TokenKind.EndOfInput)
        {
            _index++;
        }

        return token;
    }

    private Syntax ParseCondition()
    {
        if (Current.Kind == TokenKind.EndOfInput)
        {
            Error(Current.Start, "condition is empty");
            return new ErrorSyntax(0);
        }

        var expr = ParseExpr();
        // After an invalid token the lexer has already explained the problem; do not pile on.
        var afterInvalid = _index > 0 && _tokens[_index - 1].Kind == TokenKind.Invalid;
        if (!TooDeep && !afterInvalid && Current.Kind is not (TokenKind.EndOfInput or TokenKind.Invalid))
        {
            Error(Current.Start, $"unexpected {Current.Describe()}; expected an operator or the end of the condition");
        }

        return expr;
    }

    private Syntax ParseExpr()
    {
        if (TooDeep)
        {
            return new ErrorSyntax(Current.Start);
        }

        // The top level is not nesting: MaxDepth parentheses are allowed around an expression.
        if (++_depth > MaxDepth + 1)
        {
            StopTooDeep(Current.Start);
            _depth--;
            return new ErrorSyntax(Current.Start);
        }

        var condition = ParseOr();
        if (Current.Kind == TokenKind.Question)
        {
            var question = Advance();
            var whenTrue = ParseOr();
            Expect(TokenKind.Colon, "':' of the conditional expression");
            var whenFalse = ParseExpr();
            condition = Check(new TernarySyntax(condition, question.Start, whenTrue, whenFalse));
        }

        _depth--;
        return condition;
    }

    private Syntax ParseOr() => ParseLogical(TokenKind.PipePipe);

    private Syntax ParseLogical(TokenKind op)
    {
        var first = op == TokenKind.PipePipe ? ParseLogical(TokenKind.AmpAmp) : ParseRelation();
        if (Current.Kind != op)
        {
            return first;
        }

        var operands = new List<Syntax> { first };
        var opPosition = Current.Start;
        while (Current.Kind == op && !TooDeep)
        {
            Advance();
            operands.Add(op == TokenKind.PipePipe ? ParseLogical(TokenKind.AmpAmp) : ParseRelation());
        }

        return Check(new LogicalSyntax(op == TokenKind.AmpAmp, opPosition, operands));
    }

    private Syntax ParseRelation()
    {
        var left = ParseAdditive();
        while (Current.Kind is TokenKind.EqualEqual or TokenKind.BangEqual or TokenKind.Less or TokenKind.LessEqual
               or TokenKind.Greater or TokenKind.GreaterEqual or TokenKind.In && !TooDeep)
        {
            var op = Advance();
            var right = ParseAdditive();
            left = Check(new BinarySyntax(op.Kind, op.Start, left, right));
        }

        return left;
    }

    private Syntax ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Kind is TokenKind.Plus or TokenKind.Minus && !TooDeep)
        {
            var op = Advance();
            var right = ParseMultiplicative();
            left = Check(new BinarySyntax(op.Kind, op.Start, left, right));
        }

        return left;
    }

    private Syntax ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent && !TooDeep)
        {
            var op = Advance();
            var right = ParseUnary();
            left = Check(new BinarySyntax(op.Kind, op.Start, left, right));
        }

        return left;
    }

    private Syntax ParseUnary()
    {
        if (Current.Kind is not (TokenKind.Bang or TokenKind.Minus))
        {
            return ParseMember();
        }

        var ops = new List<Token>();
        while (Current.Kind is TokenKind.Bang or TokenKind.Minus)
        {
            ops.Add(Advance());
        }

        Syntax operand;
        if (ops[^1].Kind == TokenKind.Minus && Current.Kind is TokenKind.Int or TokenKind.Double
            && PeekNext.Kind is not (TokenKind.Dot or TokenKind.LeftBracket or TokenKind.LeftParen))
        {
            // A negative literal is one token for range purposes: -9223372036854775808 is a valid int.
            operand = NegativeLiteral(ops[^1], Advance());
            ops.RemoveAt(ops.Count - 1);
        }
        else
        {
            operand = ParseMember();
        }

        for (var i = ops.Count - 1; i >= 0; i--)
        {
            operand = Check(new UnarySyntax(ops[i].Start, ops[i].Kind, operand));
        }

        return operand;
    }

    private Syntax NegativeLiteral(Token minus, Token literal)
    {
        if (literal.Kind == TokenKind.Double)
        {
            return new LiteralSyntax(minus.Start, CelValue.FromDouble(-literal.DoubleValue));
        }

        const ulong MinMagnitude = 9223372036854775808UL;
        if (literal.IntValue > MinMagnitude)
        {
            Error(literal.Start, "integer literal is out of range");
            return new ErrorSyntax(minus.Start);
        }

        var value = literal.IntValue == MinMagnitude ? long.MinValue : -(long)literal.IntValue;
        return new LiteralSyntax(minus.Start, CelValue.FromInt(value));
    }

    private void Expect(TokenKind kind, string description)
    {
        if (Current.Kind == kind)
        {
            Advance();
        }
        else if (Current.Kind != TokenKind.Invalid)
        {
            Error(Current.Start, $"expected {description} but found {Current.Describe()}");
        }
    }

    private Syntax Check(Syntax node)
    {
        if (node.Height > MaxDepth && !TooDeep)
        {
            StopTooDeep(node.Position);
        }

        return node;
    }

    private void StopTooDeep(int offset)
    {
        Error(offset, $"expression is nested too deeply (the limit is {MaxDepth} levels)");
        TooDeep = true;
        _index = _tokens.Count - 1; // jump to the end: nothing after this point is parsed
    }

    private void Error(int offset, string message)
    {
        if (TooDeep || offset <= _lastErrorOffset)
        {
            return;
        }

        _lastErrorOffset = offset;
        _diagnostics.Error(offset, message);
    }
}
