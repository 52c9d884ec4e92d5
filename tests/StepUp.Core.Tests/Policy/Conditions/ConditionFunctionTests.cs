using StepUp.Core.Policy.Conditions;
using static StepUp.Core.Tests.Policy.Conditions.ConditionTestKit;

namespace StepUp.Core.Tests.Policy.Conditions;

public sealed class ConditionFunctionTests
{
    [Theory]
    // has(): fixed optional fields, always-bound fields, map keys
    [InlineData("has(context.device_id)", true)]
    [InlineData("has(context.ip)", true)]
    [InlineData("has(context.user_agent)", true)]
    [InlineData("has(context.auth)", true)]
    [InlineData("has(context.auth.level)", true)]
    [InlineData("has(context.auth.amr)", true)]
    [InlineData("has(context.auth.auth_time)", true)]
    [InlineData("has(context.geo)", true)]
    [InlineData("has(context.geo.country)", true)]
    [InlineData("has(context.geo.region)", false)]
    [InlineData("has(subject.id)", true)]
    [InlineData("has(subject.session_id)", true)]
    [InlineData("has(subject.attributes)", true)]
    [InlineData("has(subject.attributes.role)", true)]
    [InlineData("has(subject.attributes.missing)", false)]
    [InlineData("has(subject.attributes.profile.country)", true)]
    [InlineData("has(resource.type)", true)]
    [InlineData("has(resource.attributes.amount)", true)]
    [InlineData("has(risk.new_device)", true)]
    [InlineData("has(time.hour)", true)]
    [InlineData("has(lists.admins)", true)]
    [InlineData("has(subject.attributes.missing) && subject.attributes.missing == 1", false)]
    // size
    [InlineData("size('abc') == 3", true)]
    [InlineData("size('') == 0", true)]
    [InlineData("size('é😀') == 2", true)]
    [InlineData("'héllo'.size() == 5", true)]
    [InlineData("size([1, 2, 3]) == 3", true)]
    [InlineData("[].size() == 0", true)]
    [InlineData("size(subject.attributes.tags) == 2", true)]
    [InlineData("subject.attributes.profile.size() == 1", true)]
    [InlineData("size(subject.attributes) == 11", true)]
    [InlineData("size(lists.sanctioned_countries) == 4", true)]
    [InlineData("size(context.auth.amr) == 1", true)]
    [InlineData("size(subject.id) == 5", true)]
    // string functions
    [InlineData("action.startsWith('payments.')", true)]
    [InlineData("action.startsWith('admin.')", false)]
    [InlineData("action.endsWith('.transfer')", true)]
    [InlineData("action.contains('ments.tr')", true)]
    [InlineData("action.contains('')", true)]
    [InlineData("'ABC'.startsWith('a')", false)]
    [InlineData("subject.attributes.role.startsWith('ad')", true)]
    // matches: unanchored search, non-backtracking
    [InlineData("action.matches('^payments\\\\.')", true)]
    [InlineData("action.matches('trans')", true)]
    [InlineData("action.matches('^trans')", false)]
    [InlineData("matches(action, 'fer$')", true)]
    [InlineData("context.user_agent.matches(r'Mozilla/\\d')", true)]
    [InlineData("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.matches('(a+)+!')", true)]
    [InlineData("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.matches('^(a+)+$')", false)]
    [InlineData("subject.attributes.role.matches(subject.attributes.pattern)", true)]
    [InlineData("action.matches(subject.attributes.pattern)", false)]
    // time
    [InlineData("duration('5m') == duration('300s')", true)]
    [InlineData("duration('1h30m') == duration('90m')", true)]
    [InlineData("duration('1.5h') == duration('90m')", true)]
    [InlineData("duration('250ms') < duration('1s')", true)]
    [InlineData("duration('-1m') < duration('0')", true)]
    [InlineData("duration('1us') > duration('0')", true)]
    [InlineData("duration('1m') + duration('1m') == duration('2m')", true)]
    [InlineData("-duration('1m') == duration('-1m')", true)]
    [InlineData("duration('2h') > duration('119m59s999ms')", true)]
    [InlineData("duration('1m') - duration('2m') == duration('-1m')", true)]
    [InlineData("timestamp('2026-01-01T00:00:00Z') + duration('1h') == timestamp('2026-01-01T01:00:00Z')", true)]
    [InlineData("duration('1h') + timestamp('2026-01-01T00:00:00Z') == timestamp('2026-01-01T01:00:00Z')", true)]
    [InlineData("timestamp('2026-01-01T00:00:00Z') - duration('1h') == timestamp('2025-12-31T23:00:00Z')", true)]
    [InlineData("timestamp('2026-01-01T01:00:00+01:00') == timestamp('2026-01-01T00:00:00Z')", true)]
    [InlineData("timestamp('2026-01-01T00:00:00.5Z') > timestamp('2026-01-01T00:00:00Z')", true)]
    [InlineData("timestamp('2025-12-31t19:00:00-05:00') == timestamp('2026-01-01T00:00:00Z')", true)]
    [InlineData("timestamp('2026-01-01T00:00:00Z') - timestamp('2025-12-31T00:00:00Z') == duration('24h')", true)]
    [InlineData("timestamp(0) == timestamp('1970-01-01T00:00:00Z')", true)]
    [InlineData("now() == timestamp('2026-03-04T05:06:07Z')", true)]
    [InlineData("now() - timestamp(context.auth.auth_time) > duration('15m')", true)]
    [InlineData("now() > timestamp('2026-01-01T00:00:00Z')", true)]
    [InlineData("time.hour == 5", true)]
    [InlineData("time.weekday == 3", true)]
    [InlineData("time.hour < 6", true)]
    // conversions
    [InlineData("int('42') == 42", true)]
    [InlineData("int('-7') == -7", true)]
    [InlineData("int(3.9) == 3", true)]
    [InlineData("int(-3.9) == -3", true)]
    [InlineData("int(timestamp('1970-01-01T00:01:00Z')) == 60", true)]
    [InlineData("int(subject.attributes.age) == 42", true)]
    [InlineData("double(3) == 3.0", true)]
    [InlineData("double('1.5') == 1.5", true)]
    [InlineData("string(42) == '42'", true)]
    [InlineData("string(1.5) == '1.5'", true)]
    [InlineData("string(true) == 'true'", true)]
    [InlineData("string('x') == 'x'", true)]
    [InlineData("string(duration('90s')) == '90s'", true)]
    [InlineData("string(duration('1.5s')) == '1.5s'", true)]
    [InlineData("string(timestamp('2026-01-01T00:00:00Z')) == '2026-01-01T00:00:00Z'", true)]
    [InlineData("string(subject.attributes.count) + 'x' == '7x'", true)]
    public void Evaluate_ReturnsExpected_ForFunctions(string source, bool expected)
    {
        Assert.Equal(expected, EvalBool(source));
    }

    [Theory]
    [InlineData("context.device_id == 'd-1'", "no such key: device_id")]
    [InlineData("context.ip == 'x'", "no such key: ip")]
    [InlineData("context.user_agent == 'x'", "no such key: user_agent")]
    [InlineData("subject.session_id == 'x'", "no such key: session_id")]
    [InlineData("resource.type == 'x'", "no such key: type")]
    [InlineData("resource.id == 'x'", "no such key: id")]
    [InlineData("context.auth.level == 'x'", "no such key: auth")]
    [InlineData("has(context.auth.level)", "no such key: auth")]
    [InlineData("'pwd' in context.auth.amr", "no such key: auth")]
    [InlineData("resource.attributes.amount > 1", "no such key: amount")]
    [InlineData("context.geo.country == 'GB'", "no such key: country")]
    [InlineData("has(subject.attributes.role.x)", "has() cannot test a field of type 'string'")]
    [InlineData("has(subject.attributes.missing.x)", "no such key: missing")]
    public void Evaluate_ReturnsError_WhenFieldIsAbsent(string source, string message)
    {
        var input = new InputBuilder
        {
            DeviceId = null, Ip = null, UserAgent = null, SessionId = null, HasResource = false, HasAuth = false,
        };
        input.Geo.Clear();
        var value = Compile(source).Evaluate(input.Build());
        Assert.Equal(CelKind.Error, value.Kind);
        Assert.Equal(message, value.ErrorMessage);
    }

    [Theory]
    [InlineData("has(context.device_id)")]
    [InlineData("has(context.ip)")]
    [InlineData("has(context.auth)")]
    [InlineData("has(subject.session_id)")]
    [InlineData("has(resource.type)")]
    [InlineData("has(resource.id)")]
    [InlineData("has(resource.attributes.amount)")]
    [InlineData("has(context.geo.country)")]
    [InlineData("size(resource.attributes) != 0")]
    [InlineData("size(context.geo) != 0")]
    public void Evaluate_ReturnsFalse_WhenFieldIsAbsent(string source)
    {
        var input = new InputBuilder { DeviceId = null, Ip = null, SessionId = null, HasResource = false, HasAuth = false };
        input.Geo.Clear();
        Assert.Equal(CelValue.False, Compile(source).Evaluate(input.Build()));
    }

    [Theory]
    [InlineData("context.auth.level == 'x'", "no such key: level")]
    [InlineData("'otp' in context.auth.amr", "no such key: amr")]
    [InlineData("size(context.auth.amr) == 0", "no such key: amr")]
    [InlineData("context.auth.auth_time > 0", "no such key: auth_time")]
    public void Evaluate_ReturnsError_WhenAuthFieldIsAbsent(string source, string message)
    {
        var input = new InputBuilder { AuthLevel = null, Amr = null, AuthTime = null };
        Assert.Equal(message, Compile(source).Evaluate(input.Build()).ErrorMessage);
        Assert.Equal(CelValue.False, Compile("has(context.auth.level) || has(context.auth.amr) || has(context.auth.auth_time)").Evaluate(input.Build()));
    }

    [Theory]
    [InlineData("'pwd' in context.auth.amr", true)]
    [InlineData("'hwk' in context.auth.amr", false)]
    [InlineData("1 in context.auth.amr", false)]
    [InlineData("context.auth.amr == ['pwd', 'otp']", true)]
    [InlineData("context.auth.amr[1] == 'otp'", true)]
    [InlineData("context.auth.level == 'aal1'", true)]
    [InlineData("context.auth.auth_time == 1763798400", true)]
    public void Evaluate_ReadsAuthContext(string source, bool expected)
    {
        var input = new InputBuilder { Amr = ["pwd", "otp"] };
        Assert.Equal(expected, Compile(source).Evaluate(input.Build()).AsBool);
    }

    [Theory]
    [InlineData("subject.attributes.role.matches(subject.attributes.bad_pattern)", "invalid regular expression: ")]
    [InlineData("duration(subject.attributes.role) > duration('1s')", "invalid duration 'admin': expected a number and a unit, such as 5m or 1h30m")]
    [InlineData("timestamp(subject.attributes.role) > now()", "invalid timestamp 'admin': expected RFC 3339, such as 2026-01-01T00:00:00Z")]
    [InlineData("int(subject.attributes.role) == 1", "cannot convert 'admin' to int")]
    [InlineData("double(subject.attributes.role) == 1.0", "cannot convert 'admin' to double")]
    [InlineData("int(subject.attributes.age * 1e300) == 1", "integer overflow")]
    [InlineData("size(subject.attributes.count) == 1", "no such overload: size(int)")]
    [InlineData("subject.attributes.count.startsWith('a')", "no such overload: int.startsWith(string)")]
    [InlineData("timestamp(subject.attributes.big) > now()", "timestamp out of range")]
    [InlineData("now() + duration('87600000h') > now()", "timestamp out of range")]
    [InlineData("string(subject.attributes.tags) == ''", "no such overload: string(list)")]
    public void Evaluate_ReturnsError_WhenFunctionFails(string source, string messagePrefix)
    {
        var value = Eval(source);
        Assert.Equal(CelKind.Error, value.Kind);
        Assert.StartsWith(messagePrefix, value.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("duration('5x') > duration('1s')", 1, 10, "invalid duration '5x': unknown unit 'x' (use h, m, s, ms, us or ns)")]
    [InlineData("duration('') > duration('1s')", 1, 10, "invalid duration '': expected a number and a unit, such as 5m or 1h30m")]
    [InlineData("duration('5') > duration('1s')", 1, 10, "invalid duration '5': missing unit (use h, m, s, ms, us or ns)")]
    [InlineData("timestamp('2026-02-30T00:00:00Z') < now()", 1, 11, "invalid timestamp '2026-02-30T00:00:00Z': expected RFC 3339, such as 2026-01-01T00:00:00Z")]
    [InlineData("timestamp('yesterday') < now()", 1, 11, "invalid timestamp 'yesterday': expected RFC 3339, such as 2026-01-01T00:00:00Z")]
    [InlineData("int('x') == 1", 1, 5, "cannot convert 'x' to int")]
    [InlineData("action.matches('(unclosed')", 1, 16, "invalid regular expression: Invalid pattern '(unclosed'")]
    [InlineData("matches(action, '[z-a]')", 1, 17, "invalid regular expression: Invalid pattern '[z-a]'")]
    [InlineData("action.matches('(a)\\\\1')", 1, 16, "invalid regular expression: ")]
    public void Compile_ReportsError_WhenConstantArgumentIsInvalid(string source, int line, int column, string message)
    {
        var error = Assert.Single(Errors(source));
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
