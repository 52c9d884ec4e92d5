using System.Globalization;

namespace StepUp.Core.Policy.Conditions;

/// <summary>Number literals: decimal and hexadecimal ints (as unsigned magnitudes; the parser applies the sign) and doubles.</summary>
internal sealed partial class ConditionLexer
{
    private void LexNumber()
    {
        var start = _pos;
        if (Peek() == '0' && Peek(1) is 'x' or 'X')
        {
            _pos += 2;
            var digitsStart = _pos;
            while (char.IsAsciiHexDigit(Peek()))
            {
                _pos++;
            }

            if (_pos == digitsStart)
            {
                FinishBadNumber(start, "invalid hexadecimal literal: expected hex digits after '0x'");
                return;
            }

            if (!CheckNumberEnd(start))
            {
                return;
            }

            if (!ulong.TryParse(_source.AsSpan(digitsStart, _pos - digitsStart), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            {
                Report(start, "integer literal is out of range");
                return;
            }

            _tokens.Add(new Token(TokenKind.Int, start, _pos - start, IntValue: hex));
            return;
        }

        while (char.IsAsciiDigit(Peek()))
        {
            _pos++;
        }

        var isDouble = false;
        if (Peek() == '.' && char.IsAsciiDigit(Peek(1)))
        {
            isDouble = true;
            _pos++;
            while (char.IsAsciiDigit(Peek()))
            {
                _pos++;
            }
        }

        if (Peek() is 'e' or 'E')
        {
            var save = _pos;
            _pos++;
            if (Peek() is '+' or '-')
            {
                _pos++;
            }

            if (!char.IsAsciiDigit(Peek()))
            {
                _pos = save + 1;
                FinishBadNumber(start, "invalid number literal: expected digits in the exponent");
                return;
            }

            isDouble = true;
            while (char.IsAsciiDigit(Peek()))
            {
                _pos++;
            }
        }

        if (!CheckNumberEnd(start))
        {
            return;
        }

        var span = _source.AsSpan(start, _pos - start);
        if (isDouble)
        {
            if (!double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsInfinity(d))
            {
                Report(start, "number literal is out of range");
                return;
            }

            _tokens.Add(new Token(TokenKind.Double, start, _pos - start, DoubleValue: d));
            return;
        }

        if (!ulong.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            Report(start, "integer literal is out of range");
            return;
        }

        _tokens.Add(new Token(TokenKind.Int, start, _pos - start, IntValue: value));
    }

    private bool CheckNumberEnd(int start)
    {
        if (Peek() is 'u' or 'U' && !IsIdentifierPart(Peek(1)))
        {
            _pos++;
            Report(start, "unsigned integer literals are not supported in conditions; drop the 'u' suffix");
            return false;
        }

        if (IsIdentifierPart(Peek()))
        {
            FinishBadNumber(start, "invalid number literal");
            return false;
        }

        return true;
    }

    private void FinishBadNumber(int start, string message)
    {
        while (IsIdentifierPart(Peek()))
        {
            _pos++;
        }

        Report(start, message);
    }
}
