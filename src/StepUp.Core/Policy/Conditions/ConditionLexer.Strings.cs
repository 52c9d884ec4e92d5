using System.Globalization;
using System.Text;

namespace StepUp.Core.Policy.Conditions;

/// <summary>String literals: single, double and triple quotes, raw strings, and CEL's escapes.</summary>
internal sealed partial class ConditionLexer
{
    private void LexString(int tokenStart, int quotePos, bool raw)
    {
        var quote = _source[quotePos];
        _pos = quotePos;
        var triple = Peek(1) == quote && Peek(2) == quote;
        _pos += triple ? 3 : 1;

        var value = new StringBuilder();
        var valid = true;
        while (true)
        {
            if (_pos >= _source.Length || (!triple && _source[_pos] is '\n' or '\r'))
            {
                _diagnostics.Error(tokenStart, "unterminated string literal");
                _tokens.Add(new Token(TokenKind.Invalid, tokenStart, _pos - tokenStart));
                return;
            }

            var c = _source[_pos];
            if (c == quote && (!triple || (Peek(1) == quote && Peek(2) == quote)))
            {
                _pos += triple ? 3 : 1;
                break;
            }

            if (c == '\\' && !raw)
            {
                valid &= LexEscape(value);
                continue;
            }

            value.Append(c);
            _pos++;
        }

        _tokens.Add(valid
            ? new Token(TokenKind.String, tokenStart, _pos - tokenStart, value.ToString())
            : new Token(TokenKind.Invalid, tokenStart, _pos - tokenStart));
    }

    private bool LexEscape(StringBuilder value)
    {
        var start = _pos;
        var e = Peek(1);
        _pos += 2;
        switch (e)
        {
            case 'a': value.Append('\a'); return true;
            case 'b': value.Append('\b'); return true;
            case 'f': value.Append('\f'); return true;
            case 'n': value.Append('\n'); return true;
            case 'r': value.Append('\r'); return true;
            case 't': value.Append('\t'); return true;
            case 'v': value.Append('\v'); return true;
            case '\\' or '?' or '"' or '\'' or '`': value.Append(e); return true;
            case 'x' or 'X': return AppendCodePoint(value, start, 2, 16);
            case 'u': return AppendCodePoint(value, start, 4, 16);
            case 'U': return AppendCodePoint(value, start, 8, 16);
            case >= '0' and <= '3':
                _pos--;
                return AppendCodePoint(value, start, 3, 8);
            case '\0' when start + 1 >= _source.Length:
                _pos = _source.Length;
                return false; // the unterminated string error follows
            default:
                _diagnostics.Error(start, "invalid escape sequence '\\" + e + "' in string literal");
                if (e is '\n' or '\r')
                {
                    _pos--; // let the caller report the unterminated string
                }

                return false;
        }
    }

    private bool AppendCodePoint(StringBuilder value, int escapeStart, int digits, int radix)
    {
        var code = 0;
        for (var i = 0; i < digits; i++)
        {
            var c = Peek();
            var digit = radix == 16
                ? (char.IsAsciiHexDigit(c) ? (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10) : -1)
                : (c is >= '0' and <= '7' ? c - '0' : -1);
            if (digit < 0)
            {
                _diagnostics.Error(escapeStart, string.Create(CultureInfo.InvariantCulture,
                    $"invalid escape sequence: expected {digits} {(radix == 16 ? "hexadecimal" : "octal")} digits"));
                return false;
            }

            code = (code * radix) + digit;
            _pos++;
        }

        if (code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
        {
            _diagnostics.Error(escapeStart, string.Create(CultureInfo.InvariantCulture, $"invalid escape sequence: U+{code:X} is not a Unicode scalar value"));
            return false;
        }

        value.Append(char.ConvertFromUtf32(code));
        return true;
    }
}
