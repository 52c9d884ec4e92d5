using System.Globalization;

namespace StepUp.Core.Policy.Conditions;

/// <summary>Parsing and formatting of CEL durations (<c>1h30m</c>) and RFC 3339 timestamps, without allocation on success.</summary>
internal static class CelTime
{
    // CEL bounds durations to about ±10,000 years.
    private const long MaxDurationSeconds = 315_576_000_000;
    private const long MinUnixSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    /// <summary>Parses a Go-style duration: an optional sign and one or more <c>number unit</c> pairs, units h, m, s, ms, us, ns.</summary>
    public static bool TryParseDuration(ReadOnlySpan<char> text, out TimeSpan value, out string reason)
    {
        value = default;
        reason = string.Empty;
        var negative = false;
        if (!text.IsEmpty && text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (text is "0")
        {
            return true;
        }

        if (text.IsEmpty)
        {
            reason = "expected a number and a unit, such as 5m or 1h30m";
            return false;
        }

        Int128 nanos = 0;
        Int128 maxNanos = (Int128)MaxDurationSeconds * 1_000_000_000;
        while (!text.IsEmpty)
        {
            var i = 0;
            Int128 whole = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                whole = (whole * 10) + (text[i] - '0');
                if (whole > maxNanos)
                {
                    reason = "out of range";
                    return false;
                }

                i++;
            }

            var wholeDigits = i;
            long fraction = 0, scale = 1;
            var fractionDigits = 0;
            if (i < text.Length && text[i] == '.')
            {
                i++;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    if (scale < 1_000_000_000_000_000_000)
                    {
                        fraction = (fraction * 10) + (text[i] - '0');
                        scale *= 10;
                    }

                    fractionDigits++;
                    i++;
                }
            }

            if (wholeDigits == 0 && fractionDigits == 0)
            {
                reason = "expected a number and a unit, such as 5m or 1h30m";
                return false;
            }

            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            long unitNanos = text[unitStart..i] switch
            {
                "ns" => 1,
                "us" or "µs" or "μs" => 1_000,
                "ms" => 1_000_000,
                "s" => 1_000_000_000,
                "m" => 60_000_000_000,
                "h" => 3_600_000_000_000,
                _ => 0,
            };

            if (unitNanos == 0)
            {
                reason = unitStart == i
                    ? "missing unit (use h, m, s, ms, us or ns)"
                    : $"unknown unit '{text[unitStart..i]}' (use h, m, s, ms, us or ns)";
                return false;
            }

            nanos += (whole * unitNanos) + ((Int128)fraction * unitNanos / scale);
            if (nanos > maxNanos)
            {
                reason = "out of range";
                return false;
            }

            text = text[i..];
        }

        var ticks = (long)(nanos / 100);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Parses an RFC 3339 timestamp such as <c>2026-01-01T00:00:00Z</c> or <c>2026-01-01T01:00:00.5+01:00</c>.</summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] is not ('T' or 't' or ' ') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var i = 19;
        long fractionTicks = 0;
        if (s[i] == '.')
        {
            i++;
            var start = i;
            long scale = TimeSpan.TicksPerSecond;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (scale > 1)
                {
                    scale /= 10;
                    fractionTicks += (s[i] - '0') * scale;
                }

                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        if (i >= s.Length)
        {
            return false;
        }

        var offsetMinutes = 0;
        if (s[i] is 'Z' or 'z')
        {
            i++;
        }
        else if (s[i] is '+' or '-' && i + 6 == s.Length && s[i + 3] == ':'
                 && Digits(s, i + 1, 2, out var offsetHours) && Digits(s, i + 4, 2, out var offsetMins)
                 && offsetHours <= 23 && offsetMins <= 59)
        {
            offsetMinutes = ((offsetHours * 60) + offsetMins) * (s[i] == '-' ? -1 : 1);
            i += 6;
        }
        else
        {
            return false;
        }

        if (i != s.Length || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fractionTicks
                    - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    public static CelValue FromUnixSeconds(long seconds) =>
        seconds is < MinUnixSeconds or > MaxUnixSeconds
            ? CelValue.Error(CelOps.TimestampOverflow)
            : CelValue.FromTimestamp(DateTimeOffset.FromUnixTimeSeconds(seconds));

    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>CEL's duration text: seconds with an <c>s</c> suffix, e.g. <c>90s</c>, <c>1.5s</c>.</summary>
    public static string FormatDuration(TimeSpan value) =>
        ((decimal)value.Ticks / TimeSpan.TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture) + "s";

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }
}
