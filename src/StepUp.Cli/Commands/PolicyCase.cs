using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Cli.Yaml;
using StepUp.Core.Decisions;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StepUp.Cli.Commands;

/// <summary>
/// One case of a <c>policy test</c> table: a decision request (as in the HTTP API), optional risk
/// values, geo facts and evaluation time, and the expected decision (plus, optionally, the exact
/// applied rules and level).
/// </summary>
internal sealed record PolicyCase(string Name, int Line, DecisionInput? Input, string Expect, IReadOnlyList<string>? Rules, string? Level, string? Error)
{
    /// <summary>Cases without <c>now</c> run at noon UTC on Monday 2026-01-05, so time rules are deterministic.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<PolicyCase> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        var root = stream.Documents.Count == 1 ? stream.Documents[0].RootNode : null;
        var items = root switch
        {
            YamlMappingNode map when map.Children.TryGetValue(new YamlScalarNode("cases"), out var cases) && cases is YamlSequenceNode seq => seq,
            YamlSequenceNode seq => seq,
            _ => throw new YamlException("a cases file is a list of cases, or a mapping with a 'cases' list"),
        };
        return items.Children.Select((node, index) => ReadSafely(node, index)).ToList();
    }

    /// <summary>A mistyped case (a number where a name belongs) becomes a failing case, not a crash.</summary>
    private static PolicyCase ReadSafely(YamlNode node, int index)
    {
        try
        {
            return Read(node, index);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException)
        {
            return new PolicyCase($"case {index + 1}", (int)node.Start.Line, null, string.Empty, null, null, "malformed case: " + ex.Message);
        }
    }

    private static PolicyCase Read(YamlNode node, int index)
    {
        var line = (int)node.Start.Line;
        if (YamlJson.ToJson(node) is not JsonObject json)
        {
            return new PolicyCase($"case {index + 1}", line, null, string.Empty, null, null, "a case must be a mapping");
        }

        var name = json["name"]?.GetValue<string>() ?? $"case {index + 1}";
        var expect = json["expect"]?.GetValue<string>();
        if (expect is not ("allow" or "step_up" or "deny"))
        {
            return new PolicyCase(name, line, null, string.Empty, null, null, "'expect' must be allow, step_up or deny");
        }

        var now = DefaultNow;
        if (json["now"]?.GetValue<string>() is { } nowText &&
            !DateTimeOffset.TryParse(nowText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out now))
        {
            return new PolicyCase(name, line, null, expect, null, null, $"'now' is not a timestamp: {nowText}");
        }

        if (json["request"] is not JsonObject request)
        {
            return new PolicyCase(name, line, null, expect, null, null, "'request' (a decision request) is required");
        }

        var errors = new List<FieldError>();
        using var document = JsonDocument.Parse(request.ToJsonString());
        var parsed = DecisionRequestReader.Read(document.RootElement, now, errors);
        if (parsed is null)
        {
            return new PolicyCase(name, line, null, expect, null, null, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
        }

        var input = parsed.Input;
        var context = input.Context;
        if (json["geo"] is JsonObject geo)
        {
            using var geoDocument = JsonDocument.Parse(geo.ToJsonString());
            var geoMap = geoDocument.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => GeoValue(p.Name, p.Value), StringComparer.Ordinal);
            context = new ContextInput { Ip = context.Ip, UserAgent = context.UserAgent, DeviceId = context.DeviceId, Auth = context.Auth, Geo = geoMap };
        }

        var risk = json["risk"] is JsonObject riskJson ? ReadRisk(riskJson) : RiskSignals.None;
        input = new DecisionInput { Subject = input.Subject, Action = input.Action, Resource = input.Resource, Context = context, Risk = risk, Now = now };
        var rules = (json["rules"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToList();
        return new PolicyCase(name, line, input, expect, rules, json["level"]?.GetValue<string>(), null);
    }

    private static CelValue GeoValue(string key, JsonElement value) =>
        key == "asn" && value.ValueKind == JsonValueKind.Number ? CelValue.FromInt(value.GetInt64()) : DecisionRequestReader.ToCelValue(value);

    private static RiskSignals ReadRisk(JsonObject json)
    {
        bool Bool(string name) => json[name]?.GetValue<bool>() ?? false;
        double Number(string name) => json[name] is { } n ? double.Parse(n.ToJsonString(), CultureInfo.InvariantCulture) : 0;
        long Int(string name) => (long)Number(name);
        return new RiskSignals
        {
            NewDevice = Bool("new_device"),
            NewCountry = Bool("new_country"),
            NewIp = Bool("new_ip"),
            ImpossibleTravel = Bool("impossible_travel"),
            AnonymousIp = Bool("anonymous_ip"),
            TravelSpeedKmh = Number("travel_speed_kmh"),
            Failures1h = Int("failures_1h"),
            IpFailures1h = Int("ip_failures_1h"),
            Score = Int("score"),
            Level = json["level"]?.GetValue<string>() ?? "low",
        };
    }
}
