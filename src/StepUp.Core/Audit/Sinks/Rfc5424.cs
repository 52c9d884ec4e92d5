using System.Text;

namespace StepUp.Core.Audit.Sinks;

/// <summary>
/// The small rules of RFC 5424 that StepUp's syslog messages follow: PRI, header fields of
/// printable US-ASCII with length limits, and SD-PARAM value escaping.
/// </summary>
public static class Rfc5424
{
    /// <summary>Longest HOSTNAME.</summary>
    public const int MaxHostnameLength = 255;

    /// <summary>Longest APP-NAME.</summary>
    public const int MaxAppNameLength = 48;

    /// <summary>Longest PROCID.</summary>
    public const int MaxProcIdLength = 128;

    /// <summary>Longest MSGID.</summary>
    public const int MaxMsgIdLength = 32;

    /// <summary>The NILVALUE.</summary>
    public const string Nil = "-";

    /// <summary>Syslog severity codes (RFC 5424 §6.2.1).</summary>
    public const int Critical = 2, Error = 3, Warning = 4, Notice = 5, Informational = 6;

    /// <summary><c>PRI = facility × 8 + severity</c>.</summary>
    public static int Priority(int facility, int severity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(facility);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(facility, 23);
        ArgumentOutOfRangeException.ThrowIfNegative(severity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(severity, 7);
        return (facility * 8) + severity;
    }

    /// <summary>
    /// The syslog severity of an audit event's <c>severity</c>: critical → 2, high → 3, medium → 4,
    /// low → 5, info (or none, or unknown) → 6.
    /// </summary>
    public static int SeverityOf(string? eventSeverity) => eventSeverity switch
    {
        "critical" => Critical,
        "high" or "error" => Error,
        "medium" or "warning" => Warning,
        "low" => Notice,
        _ => Informational,
    };

    /// <summary>
    /// A header field (HOSTNAME, APP-NAME, PROCID, MSGID): printable US-ASCII (33–126) only, other
    /// characters become <c>_</c>, cut to <paramref name="maxLength"/>; empty becomes the NILVALUE.
    /// </summary>
    public static string HeaderField(string? value, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (string.IsNullOrEmpty(value))
        {
            return Nil;
        }

        var length = Math.Min(value.Length, maxLength);
        return string.Create(length, value, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                var c = source[i];
                chars[i] = c is >= '!' and <= '~' ? c : '_';
            }
        });
    }

    /// <summary>MSGID for an event type: the type itself (event types are ASCII and at most 32 characters).</summary>
    public static string MsgId(string type) => HeaderField(type, MaxMsgIdLength);

    /// <summary>
    /// Appends an SD-PARAM value (without the quotes): <c>"</c>, <c>\</c> and <c>]</c> are escaped with a
    /// backslash (RFC 5424 §6.3.3); control characters, which would let a value forge a log line,
    /// become U+FFFD.
    /// </summary>
    public static void AppendParamValue(StringBuilder builder, string value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            switch (c)
            {
                case '"' or '\\' or ']':
                    builder.Append('\\').Append(c);
                    break;
                case < ' ' or '\u007f':
                    builder.Append('\uFFFD');
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
    }

    /// <summary>An escaped SD-PARAM value (see <see cref="AppendParamValue"/>).</summary>
    public static string EscapeParamValue(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        AppendParamValue(builder, value);
        return builder.ToString();
    }
}
