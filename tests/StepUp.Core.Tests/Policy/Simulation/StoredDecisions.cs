using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;

namespace StepUp.Core.Tests.Policy.Simulation;

/// <summary>
/// Builds <c>decision.evaluated</c> events the way the server writes them (input, every risk value,
/// context.geo, decision, policy_version), deciding each with a "live" policy.
/// </summary>
internal sealed class StoredDecisions(CompiledPolicy live)
{
    public static readonly DateTimeOffset Morning = new(2026, 11, 18, 10, 0, 0, TimeSpan.Zero);

    private readonly List<AuditEvent> _events = [];

    public IReadOnlyList<AuditEvent> Events => _events;

    public static CompiledPolicy Load(string text)
    {
        var result = PolicyLoader.Load(text, "p.yaml", new PolicyLoadOptions { GeoAvailable = true, AnonymousIpAvailable = true });
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Policy!;
    }

    public static CompiledPolicy Example() => Load(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml")));

    public static DecisionInput Transfer(string subject, double amount, string ip = "198.51.100.7") => new()
    {
        Subject = new SubjectInput { Id = subject, SessionId = "s-" + subject },
        Action = "payments.transfer",
        Resource = new ResourceInput
        {
            Type = "transfer",
            Id = "t-" + amount,
            Attributes = new Dictionary<string, CelValue> { ["amount"] = CelValue.FromDouble(amount), ["currency"] = CelValue.FromString("EUR") },
        },
        Context = new ContextInput { Ip = ip, Auth = new AuthInput { Level = "aal1", Amr = ["pwd"] } },
    };

    public static DecisionInput Request(string subject, string action) => new()
    {
        Subject = new SubjectInput { Id = subject, SessionId = "s-" + subject },
        Action = action,
        Context = new ContextInput { Ip = "198.51.100.7" },
    };

    /// <summary>Decides <paramref name="input"/> with the live policy at <paramref name="time"/> and stores the event.</summary>
    public AuditEvent Add(string id, DecisionInput input, DateTimeOffset? time = null, RiskSignals? risk = null,
        IReadOnlyDictionary<string, CelValue>? geo = null, string app = "default")
    {
        var at = time ?? Morning;
        var context = input.Context;
        var evaluated = new DecisionInput
        {
            Subject = input.Subject,
            Action = input.Action,
            Resource = input.Resource,
            Context = new ContextInput { Ip = context.Ip, UserAgent = context.UserAgent, DeviceId = context.DeviceId, Auth = context.Auth, Geo = geo ?? DecisionInput.EmptyMap },
            Risk = risk ?? RiskSignals.None,
            Now = at,
        };
        var evaluation = PolicyEngine.Evaluate(live, evaluated);
        var effect = evaluation.Effect switch { RuleEffect.Allow => "allow", RuleEffect.StepUp => "step_up", _ => "deny" };
        var decision = new JsonObject
        {
            ["effect"] = effect,
            ["rules"] = new JsonArray([.. evaluation.AppliedRules.Select(r => (JsonNode?)r.Id)]),
            ["reasons"] = new JsonArray([.. evaluation.Reasons.Select(r => (JsonNode?)r)]),
        };
        if (evaluation.Effect == RuleEffect.StepUp)
        {
            decision["policy_effect"] = "step_up";
            decision["level"] = evaluation.Level.ToName();
        }

        var contextJson = new JsonObject();
        if (context.Ip is not null)
        {
            contextJson["ip"] = context.Ip;
        }

        if (geo is not null)
        {
            var geoJson = new JsonObject();
            foreach (var (key, value) in geo)
            {
                geoJson[key] = DecisionInputJson.ToJson(value);
            }

            contextJson["geo"] = geoJson;
        }

        var payload = new JsonObject
        {
            ["outcome"] = effect,
            ["severity"] = "info",
            ["app"] = app,
            ["subject"] = new JsonObject { ["id"] = input.Subject.Id },
            ["action"] = input.Action,
            ["context"] = contextJson,
            ["decision"] = decision,
            ["risk"] = Risk(risk ?? RiskSignals.None),
            ["input"] = DecisionInputJson.ToJson(input),
            ["policy_version"] = live.Version,
        };
        return Add(id, payload, at);
    }

    /// <summary>Stores an event with a hand-made payload.</summary>
    public AuditEvent Add(string id, JsonObject payload, DateTimeOffset? time = null, string type = AuditEventTypes.DecisionEvaluated) =>
        Store(new AuditEvent
        {
            Seq = _events.Count + 1,
            Id = id,
            Time = time ?? Morning,
            Type = type,
            PrevHash = new string('0', 64),
            PayloadDigest = new string('0', 64),
            Hash = new string('0', 64),
            Payload = payload,
        });

    /// <summary>Stores an erased event, or one whose stored payload text is given as is.</summary>
    public AuditEvent AddRaw(string id, string? storedPayload, bool erased = false) =>
        Store(new AuditEvent
        {
            Seq = _events.Count + 1,
            Id = id,
            Time = Morning,
            Type = AuditEventTypes.DecisionEvaluated,
            PrevHash = new string('0', 64),
            PayloadDigest = new string('0', 64),
            Hash = new string('0', 64),
            Erased = erased,
            StoredPayloadUtf8 = storedPayload is null ? null : System.Text.Encoding.UTF8.GetBytes(storedPayload),
        });

    private AuditEvent Store(AuditEvent evt)
    {
        _events.Add(evt);
        return evt;
    }

    public static JsonObject Risk(RiskSignals risk) => new()
    {
        ["score"] = risk.Score,
        ["level"] = risk.Level,
        ["signals"] = new JsonArray([.. risk.Fired.Select(s => (JsonNode?)s)]),
        ["new_device"] = risk.NewDevice,
        ["new_country"] = risk.NewCountry,
        ["new_ip"] = risk.NewIp,
        ["impossible_travel"] = risk.ImpossibleTravel,
        ["travel_speed_kmh"] = risk.TravelSpeedKmh,
        ["failures_1h"] = risk.Failures1h,
        ["ip_failures_1h"] = risk.IpFailures1h,
        ["anonymous_ip"] = risk.AnonymousIp,
    };
}
