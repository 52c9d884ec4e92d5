using System.Text;

namespace StepUp.Core.Audit.Export;

/// <summary>
/// One CSV cell, safe to open in a spreadsheet: a value starting with <c>= + - @</c>, a tab or a
/// carriage return is prefixed with <c>'</c> so it is never run as a formula (OWASP "CSV
/// injection"), then the cell is quoted as RFC 4180 says when it holds a comma, a quote or a line break.
/// </summary>
public static class CsvCell
{
    /// <summary>True when a spreadsheet would read <paramref name="value"/> as a formula.</summary>
    public static bool IsFormulaLeading(ReadOnlySpan<char> value) =>
        !value.IsEmpty && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    /// <summary>Appends <paramref name="value"/> as one escaped, quoted-when-needed cell.</summary>
    public static void Append(StringBuilder row, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(row);
        var prefix = IsFormulaLeading(value);
        if (value.IndexOfAny(",\"\r\n") < 0)
        {
            if (prefix)
            {
                row.Append('\'');
            }

            row.Append(value);
            return;
        }

        row.Append('"');
        if (prefix)
        {
            row.Append('\'');
        }

        foreach (var c in value)
        {
            if (c == '"')
            {
                row.Append('"');
            }

            row.Append(c);
        }

        row.Append('"');
    }

    /// <summary>The escaped form of one value (see <see cref="Append"/>).</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var row = new StringBuilder(value.Length + 4);
        Append(row, value);
        return row.ToString();
    }
}
