using System.Globalization;
using System.Text.RegularExpressions;
using StepUp.Core.Decisions;

namespace StepUp.Core.Policy.Conditions;

/// <summary><c>size(x)</c>: code points of a string, elements of a list, entries of a map.</summary>
internal sealed class SizeNode(EvalNode operand) : UnaryNode(operand)
{
    protected override CelValue Apply(in CelValue value) => value.Kind switch
    {
        CelKind.String => CelValue.FromInt(CountCodePoints(value.AsString)),
        CelKind.List => CelValue.FromInt(value.AsList.Count),
        CelKind.Map => CelValue.FromInt(value.AsMap.Count),
        _ => CelOps.NoOverload("size", value),
    };

    private static long CountCodePoints(string s)
    {
        long count = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }

            count++;
        }

        return count;
    }
}

internal enum StringPredicate : byte
{
    StartsWith,
    EndsWith,
    Contains,
}

/// <summary><c>s.startsWith(t)</c>, <c>s.endsWith(t)</c>, <c>s.contains(t)</c>: ordinal.</summary>
internal sealed class StringPredicateNode(StringPredicate predicate, EvalNode receiver, EvalNode argument) : BinaryNode(receiver, argument)
{
    protected override CelValue Apply(in CelValue left, in CelValue right)
    {
        if (left.Kind != CelKind.String || right.Kind != CelKind.String)
        {
            return CelOps.NoMethodOverload(Name(predicate), left, right);
        }

        var s = left.AsString;
        var t = right.AsString;
        return CelValue.FromBool(predicate switch
        {
            StringPredicate.StartsWith => s.StartsWith(t, StringComparison.Ordinal),
            StringPredicate.EndsWith => s.EndsWith(t, StringComparison.Ordinal),
            _ => s.Contains(t, StringComparison.Ordinal),
        });
    }

    private static string Name(StringPredicate predicate) => predicate switch
    {
        StringPredicate.StartsWith => "startsWith",
        StringPredicate.EndsWith => "endsWith",
        _ => "contains",
    };
}

/// <summary><c>s.matches(re)</c> with a pattern compiled at load time; an unanchored search.</summary>
internal sealed class MatchesNode(EvalNode receiver, Regex regex) : UnaryNode(receiver)
{
    protected override CelValue Apply(in CelValue value) =>
        value.Kind == CelKind.String ? CelValue.FromBool(regex.IsMatch(value.AsString)) : CelOps.NoOverload("matches", value);
}

/// <summary><c>s.matches(re)</c> with a computed pattern; keeps the last compiled pattern.</summary>
internal sealed class DynamicMatchesNode(EvalNode receiver, EvalNode pattern) : BinaryNode(receiver, pattern)
{
    private volatile Tuple<string, Regex>? _last;

    protected override CelValue Apply(in CelValue left, in CelValue right)
    {
        if (left.Kind != CelKind.String || right.Kind != CelKind.String)
        {
            return CelOps.NoMethodOverload("matches", left, right);
        }

        var pattern = right.AsString;
        var cached = _last;
        Regex? regex;
        if (cached is not null && string.Equals(cached.Item1, pattern, StringComparison.Ordinal))
        {
            regex = cached.Item2;
        }
        else
        {
            regex = RegexFactory.TryCreate(pattern, out var error);
            if (regex is null)
            {
                return CelValue.Error("invalid regular expression: " + error);
            }

            _last = Tuple.Create(pattern, regex);
        }

        return CelValue.FromBool(regex.IsMatch(left.AsString));
    }
}

/// <summary><c>ip_in(ip, cidrs)</c> against networks parsed at load time; the address is parsed without allocation.</summary>
internal sealed class IpInNode(EvalNode address, CidrSet networks) : UnaryNode(address)
{
    protected override CelValue Apply(in CelValue value)
    {
        if (value.Kind != CelKind.String)
        {
            return CelOps.NoOverload("ip_in", value);
        }

        return IpAddressParser.TryParse(value.AsString, out var ip, out var isV4)
            ? CelValue.FromBool(networks.Contains(ip, isV4))
            : InvalidAddress(value.AsString);
    }

    public static CelValue InvalidAddress(string text) => CelValue.Error($"invalid IP address '{CelOps.Clip(text)}'");
}

/// <summary><c>ip_in(ip, cidrs)</c> with networks computed at evaluation (a list of strings, or one string).</summary>
internal sealed class DynamicIpInNode(EvalNode address, EvalNode networks) : BinaryNode(address, networks)
{
    protected override CelValue Apply(in CelValue left, in CelValue right)
    {
        if (left.Kind != CelKind.String || right.Kind is not (CelKind.List or CelKind.String))
        {
            return left.IsError ? left : right.IsError ? right
                : CelValue.Error($"no such overload: ip_in({CelOps.KindName(left.Kind)}, {CelOps.KindName(right.Kind)})");
        }

        if (!IpAddressParser.TryParse(left.AsString, out var ip, out var isV4))
        {
            return IpInNode.InvalidAddress(left.AsString);
        }

        if (right.Kind == CelKind.String)
        {
            return Match(right, ip, isV4);
        }

        var list = right.AsList;
        var result = CelValue.False;
        for (var i = 0; i < list.Count; i++)
        {
            var m = Match(list[i], ip, isV4);
            if (m.IsError)
            {
                return m;
            }

            if (m.AsBool)
            {
                result = CelValue.True;
            }
        }

        return result;
    }

    private static CelValue Match(in CelValue network, UInt128 ip, bool isV4)
    {
        if (network.Kind != CelKind.String)
        {
            return CelValue.Error($"ip_in: a network must be a string, not {CelOps.KindName(network.Kind)}");
        }

        return Cidr.TryParse(network.AsString, out var cidr)
            ? CelValue.FromBool(cidr.Contains(ip, isV4))
            : CelValue.Error($"invalid CIDR '{CelOps.Clip(network.AsString)}'");
    }
}

internal sealed class DurationNode(EvalNode operand) : UnaryNode(operand)
{
    protected override CelValue Apply(in CelValue value)
    {
        if (value.Kind == CelKind.Duration)
        {
            return value;
        }

        if (value.Kind != CelKind.String)
        {
            return CelOps.NoOverload("duration", value);
        }

        return CelTime.TryParseDuration(value.AsString, out var duration, out var reason)
            ? CelValue.FromDuration(duration)
            : CelValue.Error($"invalid duration '{CelOps.Clip(value.AsString)}': {reason}");
    }
}

/// <summary><c>timestamp("RFC 3339")</c> or <c>timestamp(unix seconds)</c>.</summary>
internal sealed class TimestampNode(EvalNode operand) : UnaryNode(operand)
{
    protected override CelValue Apply(in CelValue value) => value.Kind switch
    {
        CelKind.Timestamp => value,
        CelKind.Int => CelTime.FromUnixSeconds(value.AsInt),
        CelKind.String => CelTime.TryParseTimestamp(value.AsString, out var timestamp)
            ? CelValue.FromTimestamp(timestamp)
            : CelValue.Error($"invalid timestamp '{CelOps.Clip(value.AsString)}': expected RFC 3339, such as 2026-01-01T00:00:00Z"),
        _ => CelOps.NoOverload("timestamp", value),
    };
}

internal enum Conversion : byte
{
    Int,
    Double,
    String,
}

/// <summary><c>int(x)</c>, <c>double(x)</c>, <c>string(x)</c>.</summary>
internal sealed class ConversionNode(Conversion target, EvalNode operand) : UnaryNode(operand)
{
    protected override CelValue Apply(in CelValue value) => target switch
    {
        Conversion.Int => ToInt(value),
        Conversion.Double => ToDouble(value),
        _ => ToText(value),
    };

    private static CelValue ToInt(in CelValue value)
    {
        switch (value.Kind)
        {
            case CelKind.Int:
                return value;
            case CelKind.Double:
                var d = value.AsDouble;
                return double.IsNaN(d) || d <= -9.223372036854775808e18 || d >= 9.223372036854775808e18
                    ? CelValue.Error(CelOps.IntegerOverflow)
                    : CelValue.FromInt((long)d);
            case CelKind.String:
                return long.TryParse(value.AsString, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
                    ? CelValue.FromInt(parsed)
                    : CelValue.Error($"cannot convert '{CelOps.Clip(value.AsString)}' to int");
            case CelKind.Timestamp:
                return CelValue.FromInt(value.AsTimestamp.ToUnixTimeSeconds());
            default:
                return CelOps.NoOverload("int", value);
        }
    }

    private static CelValue ToDouble(in CelValue value) => value.Kind switch
    {
        CelKind.Double => value,
        CelKind.Int => CelValue.FromDouble(value.AsInt),
        CelKind.String => double.TryParse(value.AsString, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? CelValue.FromDouble(parsed)
            : CelValue.Error($"cannot convert '{CelOps.Clip(value.AsString)}' to double"),
        _ => CelOps.NoOverload("double", value),
    };

    private static CelValue ToText(in CelValue value) => value.Kind switch
    {
        CelKind.String => value,
        CelKind.Int => CelValue.FromString(value.AsInt.ToString(CultureInfo.InvariantCulture)),
        CelKind.Double => CelValue.FromString(value.AsDouble.ToString("R", CultureInfo.InvariantCulture)),
        CelKind.Bool => CelValue.FromString(value.AsBool ? "true" : "false"),
        CelKind.Timestamp => CelValue.FromString(CelTime.FormatTimestamp(value.AsTimestamp)),
        CelKind.Duration => CelValue.FromString(CelTime.FormatDuration(value.AsDuration)),
        _ => CelOps.NoOverload("string", value),
    };
}
