using System.Globalization;
using StepUp.Core.Policy;

namespace StepUp.Cli.Commands;

/// <summary>The <c>--since</c> / <c>--until</c> of the CLI: a span back from now (<c>7d</c>, <c>12h</c>) or a date-time (UTC unless it says otherwise).</summary>
internal static class CliTime
{
    /// <summary>False when <paramref name="text"/> is neither; an empty text is no bound (null).</summary>
    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (Durations.TryParse(text, out var age))
        {
            time = now - age;
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }
}
