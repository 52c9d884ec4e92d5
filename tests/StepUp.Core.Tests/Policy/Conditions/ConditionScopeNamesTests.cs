using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;
using static StepUp.Core.Tests.Policy.Conditions.ConditionTestKit;

namespace StepUp.Core.Tests.Policy.Conditions;

/// <summary>Every name in scope (SPEC §4.2) reads the right part of the decision input.</summary>
public sealed class ConditionScopeNamesTests
{
    [Theory]
    [InlineData("subject.id == 'alice'")]
    [InlineData("subject.session_id == 's-123'")]
    [InlineData("subject.attributes.role == 'admin'")]
    [InlineData("subject.attributes.frozen == false")]
    [InlineData("action == 'payments.transfer'")]
    [InlineData("resource.type == 'transfer'")]
    [InlineData("resource.id == 't-9'")]
    [InlineData("resource.attributes.amount == 12000")]
    [InlineData("resource.attributes.currency == 'EUR'")]
    [InlineData("context.ip == '81.2.69.142'")]
    [InlineData("context.user_agent == 'Mozilla/5.0'")]
    [InlineData("context.device_id == 'd-1'")]
    [InlineData("context.auth.level == 'aal1'")]
    [InlineData("context.auth.amr == ['pwd']")]
    [InlineData("context.auth.auth_time == 1763798400")]
    [InlineData("context.geo.country == 'GB'")]
    [InlineData("context.geo.city == 'London'")]
    [InlineData("context.geo.latitude == 51.51")]
    [InlineData("context.geo.longitude < 0")]
    [InlineData("context.geo.asn == 1234")]
    [InlineData("risk.new_device")]
    [InlineData("!risk.new_country")]
    [InlineData("!risk.new_ip")]
    [InlineData("!risk.impossible_travel")]
    [InlineData("!risk.anonymous_ip")]
    [InlineData("risk.travel_speed_kmh == 12.5")]
    [InlineData("risk.failures_1h == 2")]
    [InlineData("risk.ip_failures_1h == 3")]
    [InlineData("risk.score == 40")]
    [InlineData("risk.level == 'medium'")]
    [InlineData("'KP' in lists.sanctioned_countries")]
    [InlineData("lists.admins == ['alice', 'bob']")]
    [InlineData("subject.id in lists.admins")]
    [InlineData("time.hour == 5")]
    [InlineData("time.weekday == 3")]
    [InlineData("subject['attributes']['role'] == 'admin'")]
    [InlineData("context['geo']['country'] == 'GB'")]
    public void Evaluate_ReadsNameInScope(string source)
    {
        Assert.True(EvalBool(source));
    }

    [Theory]
    [InlineData("risk.new_country")]
    [InlineData("risk.new_ip")]
    [InlineData("risk.impossible_travel")]
    [InlineData("risk.anonymous_ip")]
    [InlineData("!risk.new_device")]
    [InlineData("risk.travel_speed_kmh == 950.5")]
    [InlineData("risk.failures_1h == 20")]
    [InlineData("risk.ip_failures_1h == 30")]
    [InlineData("risk.score == 95")]
    [InlineData("risk.level == 'high'")]
    public void Evaluate_ReadsEveryRiskSignal(string source)
    {
        var input = new InputBuilder
        {
            Risk = new RiskSignals
            {
                NewDevice = false, NewCountry = true, NewIp = true, ImpossibleTravel = true, AnonymousIp = true,
                TravelSpeedKmh = 950.5, Failures1h = 20, IpFailures1h = 30, Score = 95, Level = "high",
            },
        };
        Assert.Equal(CelValue.True, Compile(source).Evaluate(input.Build()));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(23, 59, 6)]
    public void Evaluate_ReadsTimeInUtc(int hour, int minute, int weekday)
    {
        // 2026-03-01 is a Sunday; the evaluation time is given with an offset, time.* is UTC.
        var utc = new DateTimeOffset(2026, 3, 1 + weekday, hour, minute, 0, TimeSpan.Zero);
        var input = new InputBuilder { Now = utc.ToOffset(TimeSpan.FromHours(5)) };
        Assert.Equal(CelValue.True, Compile($"time.hour == {hour} && time.weekday == {weekday}").Evaluate(input.Build()));
    }

    [Fact]
    public void Evaluate_ReadsEmptyAttributeMaps_WhenRequestHasNone()
    {
        var input = new InputBuilder { HasResource = false };
        input.SubjectAttributes.Clear();
        input.Geo.Clear();
        var built = input.Build();
        Assert.Equal(CelValue.True, Compile("size(subject.attributes) == 0 && size(resource.attributes) == 0 && size(context.geo) == 0").Evaluate(built));
        Assert.Equal(CelValue.False, Compile("'x' in resource.attributes").Evaluate(built));
    }

    [Fact]
    public void Evaluate_ReturnsError_ForNullInput()
    {
        Assert.Equal(CelKind.Error, Compile("true").Evaluate(null!).Kind);
    }

    [Fact]
    public void Evaluate_ReturnsError_WhenInputMapThrows()
    {
        var input = new InputBuilder { HasResource = true }.Build();
        var broken = new Decisions.DecisionInput
        {
            Subject = new Decisions.SubjectInput { Id = "a", Attributes = new ThrowingMap() },
            Action = input.Action,
        };
        var value = Compile("subject.attributes.x == 1").Evaluate(broken);
        Assert.Equal("condition evaluation failed: broken map", value.ErrorMessage);
    }

    [Fact]
    public void CompiledCondition_KeepsSource()
    {
        Assert.Equal("risk.score >= 70", Compile("risk.score >= 70").Source);
    }

    private sealed class ThrowingMap : IReadOnlyDictionary<string, CelValue>
    {
        public CelValue this[string key] => throw new InvalidOperationException("broken map");
        public IEnumerable<string> Keys => throw new InvalidOperationException("broken map");
        public IEnumerable<CelValue> Values => throw new InvalidOperationException("broken map");
        public int Count => throw new InvalidOperationException("broken map");
        public bool ContainsKey(string key) => throw new InvalidOperationException("broken map");
        public IEnumerator<KeyValuePair<string, CelValue>> GetEnumerator() => throw new InvalidOperationException("broken map");
        public bool TryGetValue(string key, out CelValue value) => throw new InvalidOperationException("broken map");
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
