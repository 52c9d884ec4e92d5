namespace StepUp.Core.Policy.Conditions;

/// <summary>The tightest-binding forms: literals, names, parentheses, lists, calls, field selection and indexing.</summary>
internal sealed partial class ConditionParser
{
    private Syntax ParseMember()
    {
        var expr = ParsePrimary();
        while (!TooDeep)
        {
            if (Current.Kind == TokenKind.Dot)
            {
                Advance();
                if (Current.Kind != TokenKind.Identifier)
                {
                    Error(Current.Start, $"expected a field or method name after '.', found {Current.Describe()}");
                    return new ErrorSyntax(expr.Start);
                }

                var name = Advance();
                expr = Current.Kind == TokenKind.LeftParen
                    ? Check(new CallSyntax(expr.Start, expr, name.Start, name.Text!, ParseArguments()))
                    : Check(new SelectSyntax(expr, name.Start, name.Text!));
            }
            else if (Current.Kind == TokenKind.LeftBracket)
            {
                var bracket = Advance();
                var index = ParseExpr();
                Expect(TokenKind.RightBracket, "']'");
                expr = Check(new IndexSyntax(expr, bracket.Start, index));
            }
            else
            {
                break;
            }
        }

        return expr;
    }

    private Syntax ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                Advance();
                return Current.Kind == TokenKind.LeftParen
                    ? Check(new CallSyntax(token.Start, null, token.Start, token.Text!, ParseArguments()))
                    : new IdentSyntax(token.Start, token.Text!);
            case TokenKind.Dot when PeekNext.Kind == TokenKind.Identifier:
                Advance(); // CEL's leading-dot "root scope" form: .subject means subject.
                return ParsePrimary();
            case TokenKind.Int:
                Advance();
                if (token.IntValue > long.MaxValue)
                {
                    Error(token.Start, "integer literal is out of range");
                    return new ErrorSyntax(token.Start);
                }

                return new LiteralSyntax(token.Start, CelValue.FromInt((long)token.IntValue));
            case TokenKind.Double:
                Advance();
                return new LiteralSyntax(token.Start, CelValue.FromDouble(token.DoubleValue));
            case TokenKind.String:
                Advance();
                return new LiteralSyntax(token.Start, CelValue.FromString(token.Text!));
            case TokenKind.True:
                Advance();
                return new LiteralSyntax(token.Start, CelValue.True);
            case TokenKind.False:
                Advance();
                return new LiteralSyntax(token.Start, CelValue.False);
            case TokenKind.Null:
                Advance();
                return new LiteralSyntax(token.Start, CelValue.Null);
            case TokenKind.LeftParen:
                Advance();
                var inner = ParseExpr();
                Expect(TokenKind.RightParen, "')'");
                return inner;
            case TokenKind.LeftBracket:
                Advance();
                var elements = ParseSequence(TokenKind.RightBracket, "']'");
                return Check(new ListSyntax(token.Start, elements));
            case TokenKind.Invalid:
                Advance();
                return new ErrorSyntax(token.Start);
            case TokenKind.EndOfInput:
                Error(token.Start, "unexpected end of condition; expected an expression");
                return new ErrorSyntax(token.Start);
            default:
                // Not consumed: a following operator or closing bracket lets the caller carry on.
                Error(token.Start, $"unexpected {token.Describe()}; expected an expression");
                return new ErrorSyntax(token.Start);
        }
    }

    private List<Syntax> ParseArguments()
    {
        Advance(); // (
        return ParseSequence(TokenKind.RightParen, "')'");
    }

    private List<Syntax> ParseSequence(TokenKind close, string closeText)
    {
        var items = new List<Syntax>();
        if (Current.Kind == close)
        {
            Advance();
            return items;
        }

        while (!TooDeep)
        {
            items.Add(ParseExpr());
            if (Current.Kind != TokenKind.Comma)
            {
                break;
            }

            Advance();
            if (Current.Kind == close)
            {
                break; // trailing comma
            }
        }

        Expect(close, closeText);
        return items;
    }
}
