using System.Globalization;

namespace StepUp.Core.Policy;

/// <summary>Parses policy durations such as <c>90s</c>, <c>5m</c>, <c>1h30m</c>, <c>250ms</c>, <c>7d</c>.</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var span = text.AsSpan();
        long totalMs = 0;
        var i = 0;
        while (i < span.Length)
        {
            var start = i;
            while (i < span.Length && char.IsAsciiDigit(span[i]))
            {
                i++;
            }

            if (i == start || i - start > 9)
            {
                return false;
            }

            var number = long.Parse(span[start..i], NumberStyles.None, CultureInfo.InvariantCulture);
            long unitMs;
            if (span[i..].StartsWith("ms", StringComparison.Ordinal))
            {
                unitMs = 1;
                i += 2;
            }
            else if (i < span.Length)
            {
                unitMs = span[i] switch
                {
                    's' => 1000,
                    'm' => 60_000,
                    'h' => 3_600_000,
                    'd' => 86_400_000,
                    _ => 0,
                };
                i++;
            }
            else
            {
                return false;
            }

            if (unitMs == 0)
            {
                return false;
            }

            totalMs += number * unitMs;
        }

        duration = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>Formats a duration the way policies write it (<c>5m</c>, <c>1h30m</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var parts = new System.Text.StringBuilder();
        if (duration.Days > 0) parts.Append(CultureInfo.InvariantCulture, $"{duration.Days}d");
        if (duration.Hours > 0) parts.Append(CultureInfo.InvariantCulture, $"{duration.Hours}h");
        if (duration.Minutes > 0) parts.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        if (duration.Seconds > 0) parts.Append(CultureInfo.InvariantCulture, $"{duration.Seconds}s");
        if (duration.Milliseconds > 0) parts.Append(CultureInfo.InvariantCulture, $"{duration.Milliseconds}ms");
        return parts.ToString();
    }
}
