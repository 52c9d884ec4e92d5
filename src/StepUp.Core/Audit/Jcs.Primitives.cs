using System.Buffers;
using System.Globalization;
using System.Text;

namespace StepUp.Core.Audit;

// RFC 8785 §3.2.2: string escaping and ECMAScript Number::toString.
public static partial class Jcs
{
    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    /// <summary>Writes <paramref name="value"/> as an RFC 8785 JSON string (quotes included).</summary>
    /// <exception cref="ArgumentException">The string holds a lone surrogate.</exception>
    public static void WriteString(string value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(output);
        WriteByte((byte)'"', output);
        var runStart = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            WriteRun(value.AsSpan(runStart, i - runStart), output);
            WriteEscape(c, output);
            runStart = i + 1;
        }

        WriteRun(value.AsSpan(runStart), output);
        WriteByte((byte)'"', output);
    }

    private static void WriteRun(ReadOnlySpan<char> run, IBufferWriter<byte> output)
    {
        if (run.IsEmpty)
        {
            return;
        }

        var span = output.GetSpan(StrictUtf8.GetMaxByteCount(run.Length));
        int written;
        try
        {
            written = StrictUtf8.GetBytes(run, span);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("JSON text contains a lone surrogate; RFC 8785 requires valid Unicode.", nameof(run), ex);
        }

        output.Advance(written);
    }

    private static void WriteEscape(char c, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(6);
        span[0] = (byte)'\\';
        var length = 2;
        switch (c)
        {
            case '"': span[1] = (byte)'"'; break;
            case '\\': span[1] = (byte)'\\'; break;
            case '\b': span[1] = (byte)'b'; break;
            case '\f': span[1] = (byte)'f'; break;
            case '\n': span[1] = (byte)'n'; break;
            case '\r': span[1] = (byte)'r'; break;
            case '\t': span[1] = (byte)'t'; break;
            default:
                span[1] = (byte)'u';
                span[2] = (byte)'0';
                span[3] = (byte)'0';
                span[4] = HexDigits[c >> 4];
                span[5] = HexDigits[c & 0xF];
                length = 6;
                break;
        }

        output.Advance(length);
    }

    /// <summary>ECMAScript <c>Number::toString</c> of a finite double, as RFC 8785 requires.</summary>
    /// <exception cref="ArgumentException">NaN or an infinity (no JSON form).</exception>
    public static string FormatNumber(double value)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        WriteDouble(value, buffer);
        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }

    private static void WriteDouble(double value, IBufferWriter<byte> output)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("NaN and infinities have no JSON form (RFC 8785 §3.2.2.3).", nameof(value));
        }

        if (value == 0)
        {
            // Covers -0, which ECMAScript prints as 0.
            WriteByte((byte)'0', output);
            return;
        }

        // .NET's "R" is the shortest text that round-trips (the same digits ECMAScript chooses);
        // only the layout differs, so take its digits and decimal exponent and lay them out again.
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        text = text[..length];

        var negative = text[0] == '-';
        if (negative)
        {
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        Span<char> digits = stackalloc char[32];
        var k = 0;
        var pointIndex = -1;
        foreach (var c in text)
        {
            if (c == '.')
            {
                pointIndex = k;
            }
            else
            {
                digits[k++] = c;
            }
        }

        // n: position of the decimal point relative to the first digit (value = 0.d1d2… × 10^n).
        var n = (pointIndex < 0 ? k : pointIndex) + exponent;
        var start = 0;
        while (start < k - 1 && digits[start] == '0')
        {
            start++;
            n--;
        }

        while (k - 1 > start && digits[k - 1] == '0')
        {
            k--;
        }

        ReadOnlySpan<char> d = digits[start..k];
        k = d.Length;

        Span<char> result = stackalloc char[40];
        var r = 0;
        if (negative)
        {
            result[r++] = '-';
        }

        if (k <= n && n <= 21)
        {
            d.CopyTo(result[r..]);
            r += k;
            result.Slice(r, n - k).Fill('0');
            r += n - k;
        }
        else if (0 < n && n <= 21)
        {
            d[..n].CopyTo(result[r..]);
            r += n;
            result[r++] = '.';
            d[n..].CopyTo(result[r..]);
            r += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            result[r++] = '0';
            result[r++] = '.';
            result.Slice(r, -n).Fill('0');
            r += -n;
            d.CopyTo(result[r..]);
            r += k;
        }
        else
        {
            result[r++] = d[0];
            if (k > 1)
            {
                result[r++] = '.';
                d[1..].CopyTo(result[r..]);
                r += k - 1;
            }

            result[r++] = 'e';
            var e10 = n - 1;
            result[r++] = e10 < 0 ? '-' : '+';
            Math.Abs(e10).TryFormat(result[r..], out var written, default, CultureInfo.InvariantCulture);
            r += written;
        }

        WriteAscii(result[..r], output);
    }
}
