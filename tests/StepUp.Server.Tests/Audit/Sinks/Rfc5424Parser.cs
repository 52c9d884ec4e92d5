using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace StepUp.Server.Tests.Audit.Sinks;

/// <summary>One parsed RFC 5424 message.</summary>
internal sealed record SyslogMessage(
    int Pri,
    int Version,
    string Timestamp,
    string Hostname,
    string AppName,
    string ProcId,
    string MsgId,
    string StructuredDataText,
    IReadOnlyList<(string Id, IReadOnlyDictionary<string, string> Params)> StructuredData,
    bool Bom,
    string? Msg)
{
    public int Facility => Pri / 8;

    public int Severity => Pri % 8;
}

/// <summary>
/// A strict RFC 5424 §6 parser, written for the tests from the ABNF (not from StepUp's formatter):
/// every header field's character set and length, SD-ID / SD-NAME rules, PARAM-VALUE escapes
/// (<c>"</c>, <c>\</c>, <c>]</c> must be escaped), and the optional BOM of MSG.
/// </summary>
internal static partial class Rfc5424Parser
{
    public static SyslogMessage Parse(string line)
    {
        var p = 0;
        Expect(line, ref p, '<');
        var priText = Digits(line, ref p, 1, 3);
        if (priText.Length > 1 && priText[0] == '0')
        {
            throw Bad("PRI has a leading zero", line);
        }

        var pri = int.Parse(priText, CultureInfo.InvariantCulture);
        if (pri > 191)
        {
            throw Bad("PRI above 191", line);
        }

        Expect(line, ref p, '>');
        var versionText = Digits(line, ref p, 1, 3);
        if (versionText[0] == '0')
        {
            throw Bad("VERSION must be NONZERO-DIGIT 0*2DIGIT", line);
        }

        Expect(line, ref p, ' ');
        var timestamp = Token(line, ref p, 64, "TIMESTAMP");
        if (timestamp != "-" && !TimestampPattern().IsMatch(timestamp))
        {
            throw Bad($"TIMESTAMP '{timestamp}' is not an RFC 5424 FULL-DATE T FULL-TIME", line);
        }

        Expect(line, ref p, ' ');
        var hostname = Token(line, ref p, 255, "HOSTNAME");
        Expect(line, ref p, ' ');
        var appName = Token(line, ref p, 48, "APP-NAME");
        Expect(line, ref p, ' ');
        var procId = Token(line, ref p, 128, "PROCID");
        Expect(line, ref p, ' ');
        var msgId = Token(line, ref p, 32, "MSGID");
        Expect(line, ref p, ' ');

        var sdStart = p;
        var elements = new List<(string, IReadOnlyDictionary<string, string>)>();
        if (p < line.Length && line[p] == '-')
        {
            p++;
        }
        else
        {
            while (p < line.Length && line[p] == '[')
            {
                elements.Add(Element(line, ref p));
            }

            if (elements.Count == 0)
            {
                throw Bad("STRUCTURED-DATA is neither '-' nor SD-ELEMENTs", line);
            }
        }

        var sdText = line[sdStart..p];
        if (p == line.Length)
        {
            return new SyslogMessage(pri, int.Parse(versionText, CultureInfo.InvariantCulture), timestamp, hostname, appName, procId, msgId, sdText, elements, false, null);
        }

        Expect(line, ref p, ' ');
        var msg = line[p..];
        var bom = msg.StartsWith('\uFEFF');
        return new SyslogMessage(pri, int.Parse(versionText, CultureInfo.InvariantCulture), timestamp, hostname, appName, procId, msgId, sdText, elements, bom, bom ? msg[1..] : msg);
    }

    private static (string, IReadOnlyDictionary<string, string>) Element(string line, ref int p)
    {
        Expect(line, ref p, '[');
        var id = SdName(line, ref p, "SD-ID");
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        while (p < line.Length && line[p] == ' ')
        {
            p++;
            var name = SdName(line, ref p, "PARAM-NAME");
            Expect(line, ref p, '=');
            Expect(line, ref p, '"');
            var value = new StringBuilder();
            while (true)
            {
                if (p >= line.Length)
                {
                    throw Bad("unterminated PARAM-VALUE", line);
                }

                var c = line[p++];
                if (c == '"')
                {
                    break;
                }

                if (c == ']')
                {
                    throw Bad("']' in PARAM-VALUE must be escaped", line);
                }

                if (c == '\\' && p < line.Length && line[p] is '"' or '\\' or ']')
                {
                    value.Append(line[p++]);
                }
                else
                {
                    value.Append(c);
                }
            }

            if (!parameters.TryAdd(name, value.ToString()))
            {
                throw Bad($"PARAM-NAME '{name}' repeated", line);
            }
        }

        Expect(line, ref p, ']');
        return (id, parameters);
    }

    private static string SdName(string line, ref int p, string what)
    {
        var start = p;
        while (p < line.Length && line[p] is >= '!' and <= '~' and not '=' and not ']' and not '"')
        {
            p++;
        }

        if (p == start || p - start > 32)
        {
            throw Bad($"{what} must be 1 to 32 printable ASCII characters except = ] \"", line);
        }

        return line[start..p];
    }

    private static string Token(string line, ref int p, int max, string what)
    {
        var start = p;
        while (p < line.Length && line[p] is >= '!' and <= '~')
        {
            p++;
        }

        if (p == start || p - start > max)
        {
            throw Bad($"{what} must be the NILVALUE or 1 to {max} printable ASCII characters", line);
        }

        return line[start..p];
    }

    private static string Digits(string line, ref int p, int min, int max)
    {
        var start = p;
        while (p < line.Length && char.IsAsciiDigit(line[p]))
        {
            p++;
        }

        if (p - start < min || p - start > max)
        {
            throw Bad("bad number", line);
        }

        return line[start..p];
    }

    private static void Expect(string line, ref int p, char c)
    {
        if (p >= line.Length || line[p] != c)
        {
            throw Bad($"expected '{c}' at {p}", line);
        }

        p++;
    }

    private static FormatException Bad(string why, string line) =>
        new($"not RFC 5424: {why}: {(line.Length > 200 ? line[..200] + "…" : line)}");

    [GeneratedRegex(@"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")]
    private static partial Regex TimestampPattern();
}
