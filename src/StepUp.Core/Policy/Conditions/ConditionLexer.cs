using System.Globalization;

namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// Splits condition source into tokens. Every lexical error is reported and replaced by an
/// <see cref="TokenKind.Invalid"/> token (or, for a lone <c>=</c>, <c>&amp;</c>, <c>|</c>, by the
/// operator the author most likely meant) so the parser can go on and report further errors.
/// </summary>
internal sealed partial class ConditionLexer
{
    private readonly string _source;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<Token> _tokens = [];
    private int _pos;

    private ConditionLexer(string source, DiagnosticBag diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
    }

    public static List<Token> Tokenize(string source, DiagnosticBag diagnostics)
    {
        var lexer = new ConditionLexer(source, diagnostics);
        lexer.Run();
        return lexer._tokens;
    }

    private char Peek(int ahead = 0) => _pos + ahead < _source.Length ? _source[_pos + ahead] : '\0';

    private void Run()
    {
        while (true)
        {
            SkipTrivia();
            if (_pos >= _source.Length)
            {
                _tokens.Add(new Token(TokenKind.EndOfInput, _source.Length, 0));
                return;
            }

            var c = _source[_pos];
            if (IsIdentifierStart(c))
            {
                LexIdentifierOrPrefixedString();
            }
            else if (char.IsAsciiDigit(c))
            {
                LexNumber();
            }
            else if (c is '"' or '\'')
            {
                LexString(_pos, _pos, raw: false);
            }
            else
            {
                LexOperator(c);
            }
        }
    }

    private void SkipTrivia()
    {
        while (_pos < _source.Length)
        {
            var c = _source[_pos];
            if (c is ' ' or '\t' or '\r' or '\n' or '\f')
            {
                _pos++;
            }
            else if (c == '/' && Peek(1) == '/')
            {
                while (_pos < _source.Length && _source[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private void LexIdentifierOrPrefixedString()
    {
        var start = _pos;
        var c0 = Peek();
        var c1 = Peek(1);

        // r"..." raw strings; b"..." bytes are not supported.
        if (c1 is '"' or '\'' && c0 is 'r' or 'R')
        {
            _pos++;
            LexString(start, _pos, raw: true);
            return;
        }

        if ((c1 is '"' or '\'' && c0 is 'b' or 'B') ||
            (Peek(2) is '"' or '\'' && ((c0 is 'b' or 'B' && c1 is 'r' or 'R') || (c0 is 'r' or 'R' && c1 is 'b' or 'B'))))
        {
            _pos += c1 is '"' or '\'' ? 1 : 2;
            var before = _tokens.Count;
            LexString(start, _pos, raw: true);
            if (_tokens.Count > before && _tokens[^1].Kind == TokenKind.String)
            {
                _diagnostics.Error(start, "bytes literals are not supported in conditions; use a string");
                _tokens[^1] = _tokens[^1] with { Kind = TokenKind.Invalid };
            }

            return;
        }

        while (_pos < _source.Length && IsIdentifierPart(_source[_pos]))
        {
            _pos++;
        }

        var text = _source[start.._pos];
        var kind = text switch
        {
            "true" => TokenKind.True,
            "false" => TokenKind.False,
            "null" => TokenKind.Null,
            "in" => TokenKind.In,
            _ => TokenKind.Identifier,
        };
        _tokens.Add(new Token(kind, start, _pos - start, kind == TokenKind.Identifier ? text : null));
    }

    private void Report(int start, string message)
    {
        _diagnostics.Error(start, message);
        _tokens.Add(new Token(TokenKind.Invalid, start, Math.Max(1, _pos - start)));
    }

    private void LexOperator(char c)
    {
        var start = _pos;
        var next = Peek(1);
        (TokenKind Kind, int Length) op = c switch
        {
            '(' => (TokenKind.LeftParen, 1),
            ')' => (TokenKind.RightParen, 1),
            '[' => (TokenKind.LeftBracket, 1),
            ']' => (TokenKind.RightBracket, 1),
            '.' => (TokenKind.Dot, 1),
            ',' => (TokenKind.Comma, 1),
            '?' => (TokenKind.Question, 1),
            ':' => (TokenKind.Colon, 1),
            '+' => (TokenKind.Plus, 1),
            '-' => (TokenKind.Minus, 1),
            '*' => (TokenKind.Star, 1),
            '/' => (TokenKind.Slash, 1),
            '%' => (TokenKind.Percent, 1),
            '!' => next == '=' ? (TokenKind.BangEqual, 2) : (TokenKind.Bang, 1),
            '=' when next == '=' => (TokenKind.EqualEqual, 2),
            '<' => next == '=' ? (TokenKind.LessEqual, 2) : (TokenKind.Less, 1),
            '>' => next == '=' ? (TokenKind.GreaterEqual, 2) : (TokenKind.Greater, 1),
            '&' when next == '&' => (TokenKind.AmpAmp, 2),
            '|' when next == '|' => (TokenKind.PipePipe, 2),
            _ => (TokenKind.Invalid, 1),
        };

        if (op.Kind != TokenKind.Invalid)
        {
            _pos += op.Length;
            _tokens.Add(new Token(op.Kind, start, op.Length));
            return;
        }

        // Recover the likely intent so that the rest of the condition is still checked.
        var recovered = c switch
        {
            '=' => (Kind: TokenKind.EqualEqual, Message: "unexpected '='; use '==' to compare"),
            '&' => (Kind: TokenKind.AmpAmp, Message: "unexpected '&'; use '&&' for logical and"),
            '|' => (Kind: TokenKind.PipePipe, Message: "unexpected '|'; use '||' for logical or"),
            '{' or '}' => (Kind: TokenKind.Invalid, Message: "map literals ('{...}') are not supported in conditions"),
            _ => (Kind: TokenKind.Invalid, Message: "unexpected character " + DescribeChar(c)),
        };

        _pos += char.IsHighSurrogate(c) && char.IsLowSurrogate(next) ? 2 : 1;
        if (c == '{')
        {
            // Skip the whole map literal so it is reported once.
            var close = _source.IndexOf('}', _pos);
            _pos = close < 0 ? _source.Length : close + 1;
        }

        _diagnostics.Error(start, recovered.Message);
        _tokens.Add(new Token(recovered.Kind, start, _pos - start));
    }

    private string DescribeChar(char c)
    {
        if (char.IsHighSurrogate(c) && _pos + 1 < _source.Length && char.IsLowSurrogate(_source[_pos + 1]))
        {
            var scalar = char.ConvertToUtf32(c, _source[_pos + 1]);
            return string.Create(CultureInfo.InvariantCulture, $"'{_source.AsSpan(_pos, 2)}' (U+{scalar:X4})");
        }

        return char.IsControl(c) || char.IsSurrogate(c) || char.IsWhiteSpace(c)
            ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}")
            : string.Create(CultureInfo.InvariantCulture, $"'{c}'");
    }
}
