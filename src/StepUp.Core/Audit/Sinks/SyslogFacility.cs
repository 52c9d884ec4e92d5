using System.Globalization;

namespace StepUp.Core.Audit.Sinks;

/// <summary>Syslog facility codes (RFC 5424 §6.2.1) by their usual names.</summary>
public static class SyslogFacility
{
    /// <summary>The default: security/authorization messages that may carry personal data.</summary>
    public const int AuthPriv = 10;

    private static readonly Dictionary<string, int> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["kern"] = 0, ["user"] = 1, ["mail"] = 2, ["daemon"] = 3, ["auth"] = 4, ["syslog"] = 5,
        ["lpr"] = 6, ["news"] = 7, ["uucp"] = 8, ["cron"] = 9, ["authpriv"] = 10, ["ftp"] = 11,
        ["ntp"] = 12, ["audit"] = 13, ["alert"] = 14, ["clock"] = 15,
        ["local0"] = 16, ["local1"] = 17, ["local2"] = 18, ["local3"] = 19,
        ["local4"] = 20, ["local5"] = 21, ["local6"] = 22, ["local7"] = 23,
    };

    /// <summary>The accepted names, in code order.</summary>
    public static IEnumerable<string> KnownNames => Names.OrderBy(n => n.Value).Select(n => n.Key);

    /// <summary>Parses a facility name (<c>authpriv</c>, <c>local0</c>) or code (0–23).</summary>
    public static bool TryParse(string? text, out int facility)
    {
        facility = -1;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (Names.TryGetValue(text.Trim(), out facility))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out facility) && facility is >= 0 and <= 23)
        {
            return true;
        }

        facility = -1;
        return false;
    }
}
