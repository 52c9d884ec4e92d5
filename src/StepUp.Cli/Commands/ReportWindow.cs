using System.Globalization;
using System.Text.RegularExpressions;

namespace StepUp.Cli.Commands;

/// <summary>Reads the <c>--from</c> and <c>--to</c> of <c>stepup report</c>: RFC 3339 times, or a span back from now (<c>7d</c>, <c>12h</c>).</summary>
internal static partial class ReportWindow
{
    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (Relative().Match(text) is { Success: true } match &&
            int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            time = match.Groups[2].Value switch
            {
                "d" => now.AddDays(-amount),
                "h" => now.AddHours(-amount),
                _ => now.AddMinutes(-amount),
            };
            return true;
        }

        // RFC 3339 requires a date, a time and an offset (or Z).
        if (!Rfc3339().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = parsed.ToUniversalTime();
        return true;
    }

    [GeneratedRegex(@"^(\d{1,5})([dhm])$")]
    private static partial Regex Relative();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}
