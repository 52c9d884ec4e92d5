using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using StepUp.Core.GeoIp;

namespace StepUp.Core.Tests.GeoIp;

/// <summary>What Debian's <c>mmdblookup</c> (libmaxminddb) answered for one address.</summary>
internal sealed record MmdbLookupAnswer(GeoIpStatus Status, object? Value, int PrefixLength, string Output);

/// <summary>A scalar as <c>mmdblookup</c> prints it: the text and its type tag.</summary>
internal sealed record MmdbScalar(string Type, string Text);

/// <summary>
/// Runs <c>mmdblookup -v -f FILE -i IP</c> and parses its pretty-printed record (one value per
/// line, <c>&lt;type&gt;</c> tags on scalars) into maps, lists and <see cref="MmdbScalar"/>s.
/// </summary>
internal static partial class MmdbLookupTool
{
    public const string Missing =
        "mmdblookup is not installed: the GeoIP oracle tests need Debian's mmdb-bin. Lead: add mmdb-bin to APT_PACKAGES in scripts/test.sh (apt-get install -y mmdb-bin).";

    public static string? Executable { get; } = FindExecutable();

    public static MmdbLookupAnswer Lookup(string database, string ip)
    {
        Assert.True(Executable is not null, Missing);
        var start = new ProcessStartInfo(Executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[] { "-v", "-f", database, "-i", ip })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), $"mmdblookup {ip} did not finish");
        var output = stdout + stderr.Result;
        var prefixMatch = PrefixLine().Match(stdout);
        var prefix = prefixMatch.Success ? int.Parse(prefixMatch.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        // libmaxminddb refuses IPv6 addresses in IPv4 trees; this reader answers "not found" there.
        if (output.Contains("Could not find an entry", StringComparison.Ordinal) || output.Contains("IPv6 address in an IPv4-only database", StringComparison.Ordinal))
        {
            return new MmdbLookupAnswer(GeoIpStatus.NotFound, null, prefix, output);
        }

        if (process.ExitCode != 0 || output.Contains("Got an error", StringComparison.Ordinal) || output.Contains("Can't open", StringComparison.Ordinal) || !prefixMatch.Success)
        {
            return new MmdbLookupAnswer(GeoIpStatus.Corrupt, null, prefix, output);
        }

        var lines = stdout[(prefixMatch.Index + prefixMatch.Length)..]
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0)
            .ToList();
        var index = 0;
        var value = Parse(lines, ref index);
        return new MmdbLookupAnswer(GeoIpStatus.Found, value, prefix, output);
    }

    /// <summary>Null when <paramref name="ours"/> (a decoded record) matches mmdblookup's value, else the first difference.</summary>
    public static string? Difference(object? theirs, object? ours, string path = "$")
    {
        switch (theirs)
        {
            case Dictionary<string, object> map:
                if (ours is not IReadOnlyDictionary<string, object> ourMap || !map.Keys.ToHashSet(StringComparer.Ordinal).SetEquals(ourMap.Keys))
                {
                    return $"{path}: map keys differ";
                }

                return map.Select(p => Difference(p.Value, ourMap[p.Key], path + "." + p.Key)).FirstOrDefault(d => d is not null);
            case List<object> list:
                if (ours is not IReadOnlyList<object> ourList || ourList.Count != list.Count)
                {
                    return $"{path}: array differs";
                }

                return list.Select((item, i) => Difference(item, ourList[i], $"{path}[{i}]")).FirstOrDefault(d => d is not null);
            case MmdbScalar scalar:
                return ScalarEquals(scalar, ours) ? null : $"{path}: mmdblookup {scalar.Text} <{scalar.Type}>, ours {JsonEquivalence.Describe(ours)}";
            default:
                return $"{path}: unparsed mmdblookup value";
        }
    }

    private static bool ScalarEquals(MmdbScalar scalar, object? ours)
    {
        var text = scalar.Text;
        return scalar.Type switch
        {
            "utf8_string" => ours is string s && text == "\"" + s + "\"",
            "boolean" => ours is bool b && text == (b ? "true" : "false"),
            "uint16" => ours is ushort u16 && ulong.Parse(text, CultureInfo.InvariantCulture) == u16,
            "uint32" => ours is uint u32 && ulong.Parse(text, CultureInfo.InvariantCulture) == u32,
            "uint64" => ours is ulong u64 && ulong.Parse(text, CultureInfo.InvariantCulture) == u64,
            "int32" => ours is int i32 && long.Parse(text, CultureInfo.InvariantCulture) == i32,
            "uint128" => ours is UInt128 u128 && text == "0x" + u128.ToString("X32", CultureInfo.InvariantCulture),
            "bytes" => ours is byte[] bytes && text == Convert.ToHexString(bytes),
            "double" => ours is double d && Close(text, d),
            "float" => ours is float f && Close(text, f),
            _ => false,
        };
    }

    // mmdblookup prints doubles and floats with printf("%f"): six decimals.
    private static bool Close(string text, double ours) => text switch
    {
        "inf" => double.IsPositiveInfinity(ours),
        "-inf" => double.IsNegativeInfinity(ours),
        "nan" or "-nan" => double.IsNaN(ours),
        _ => Math.Abs(double.Parse(text, CultureInfo.InvariantCulture) - ours) <= 5.1e-7,
    };

    private static object Parse(List<string> lines, ref int index)
    {
        var line = lines[index++];
        if (line == "{")
        {
            var map = new Dictionary<string, object>(StringComparer.Ordinal);
            while (lines[index] != "}")
            {
                var key = KeyLine().Match(lines[index++]);
                Assert.True(key.Success, $"unexpected mmdblookup line {lines[index - 1]}");
                map[key.Groups[1].Value] = Parse(lines, ref index);
            }

            index++;
            return map;
        }

        if (line == "[")
        {
            var list = new List<object>();
            while (lines[index] != "]")
            {
                list.Add(Parse(lines, ref index));
            }

            index++;
            return list;
        }

        var scalar = ScalarLine().Match(line);
        Assert.True(scalar.Success, $"unexpected mmdblookup line {line}");
        return new MmdbScalar(scalar.Groups[2].Value, scalar.Groups[1].Value);
    }

    private static string? FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator)
            .Append("/usr/bin")
            .Select(dir => Path.Combine(dir, "mmdblookup"))
            .FirstOrDefault(File.Exists);
    }

    [GeneratedRegex(@"Record prefix length: (\d+)")]
    private static partial Regex PrefixLine();

    [GeneratedRegex("^\"(.*)\":$")]
    private static partial Regex KeyLine();

    [GeneratedRegex("^(?:(.*) )?<([a-z0-9_]+)>$")]
    private static partial Regex ScalarLine();
}
