using System.Globalization;

namespace StepUp.Core.Audit;

/// <summary>Audit timestamps: UTC, millisecond precision, always <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (SPEC §7).</summary>
public static class AuditTime
{
    /// <summary>The one text form of an audit <c>time</c>; the hash chain covers exactly this text.</summary>
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Drops sub-millisecond ticks and converts to UTC.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    /// <summary>The canonical text of <paramref name="time"/> (sub-millisecond ticks dropped).</summary>
    public static string ToText(DateTimeOffset time) =>
        time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Parses the canonical text only; any other layout is refused.</summary>
    public static bool TryParse(string? text, out DateTimeOffset time)
    {
        if (text is { Length: 24 } &&
            DateTimeOffset.TryParseExact(text, Format, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            return true;
        }

        time = default;
        return false;
    }

    /// <summary>Unix epoch milliseconds of <paramref name="time"/>.</summary>
    public static long ToUnixMilliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();
}
