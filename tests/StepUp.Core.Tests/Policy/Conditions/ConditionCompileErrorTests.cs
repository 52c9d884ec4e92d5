using StepUp.Core.Policy.Conditions;
using static StepUp.Core.Tests.Policy.Conditions.ConditionTestKit;

namespace StepUp.Core.Tests.Policy.Conditions;

public sealed class ConditionCompileErrorTests
{
    [Theory]
    // names
    [InlineData("subjct.id == 'a'", 1, 1, "unknown name 'subjct' (did you mean 'subject'?); names in scope: subject, action, resource, context, risk, lists, time")]
    [InlineData("user.id == 'a'", 1, 1, "unknown name 'user'; names in scope: subject, action, resource, context, risk, lists, time")]
    [InlineData("risk.nope", 1, 6, "unknown field 'nope' of risk; risk has: new_device, new_country, new_ip, impossible_travel, anonymous_ip, travel_speed_kmh, failures_1h, ip_failures_1h, score, level")]
    [InlineData("risk.scor > 1", 1, 6, "unknown field 'scor' of risk (did you mean 'score'?); risk has: new_device, new_country, new_ip, impossible_travel, anonymous_ip, travel_speed_kmh, failures_1h, ip_failures_1h, score, level")]
    [InlineData("subject.foo == 1", 1, 9, "unknown field 'foo' of subject; subject has: id, session_id, attributes")]
    [InlineData("context.auth.acr == 'x'", 1, 14, "unknown field 'acr' of context.auth (did you mean 'amr'?); context.auth has: level, amr, auth_time")]
    [InlineData("time.minute == 1", 1, 6, "unknown field 'minute' of time; time has: hour, weekday")]
    [InlineData("has(context.devce_id)", 1, 13, "unknown field 'devce_id' of context (did you mean 'device_id'?); context has: ip, user_agent, device_id, auth, geo")]
    [InlineData("'KP' in lists.sanctioned", 1, 15, "unknown list 'sanctioned'; defined lists: sanctioned_countries, office_networks, admins, broken_networks")]
    [InlineData("'x' in lists.admin", 1, 14, "unknown list 'admin' (did you mean 'admins'?); defined lists: sanctioned_countries, office_networks, admins, broken_networks")]
    [InlineData("subject == 'alice'", 1, 1, "'subject' is not a value; select one of its fields: id, session_id, attributes")]
    [InlineData("'a' in lists", 1, 8, "'lists' is not a value; name one of the policy's lists, e.g. lists.NAME (defined: sanctioned_countries, office_networks, admins, broken_networks)")]
    [InlineData("context.auth == null", 1, 1, "'context.auth' is not a value; select one of its fields: level, amr, auth_time")]
    [InlineData("risk[0]", 1, 5, "'risk' can only be indexed with a string literal, e.g. risk[\"field\"]")]
    [InlineData("now", 1, 1, "'now' is a function; call it as now(...)")]
    // operator types
    [InlineData("risk.score + 'x' == 'y'", 1, 12, "no matching overload for '+' applied to (int, string)")]
    [InlineData("!risk.score", 1, 1, "'!' expects a bool operand, got int")]
    [InlineData("-risk.level == 'x'", 1, 1, "'-' expects an int or double operand, got string")]
    [InlineData("context.ip > 5", 1, 12, "cannot compare string > int")]
    [InlineData("risk.new_device < 'a'", 1, 17, "cannot compare bool < string")]
    [InlineData("[1] < [2]", 1, 5, "cannot compare list(int) < list(int)")]
    [InlineData("risk.score * 'a' > 1", 1, 12, "no matching overload for '*' applied to (int, string)")]
    [InlineData("risk.level - subject.attributes.x == 1", 1, 12, "no matching overload for '-' applied to (string, dyn)")]
    [InlineData("risk.new_device + 1 == 2", 1, 17, "no matching overload for '+' applied to (bool, int)")]
    [InlineData("now() + now() > now()", 1, 7, "no matching overload for '+' applied to (timestamp, timestamp)")]
    [InlineData("'a' in 'abc'", 1, 5, "'in' expects a list or a map on its right, got string")]
    [InlineData("risk.score && true", 1, 1, "'&&' expects bool operands, but this one is int")]
    [InlineData("true || risk.level", 1, 9, "'||' expects bool operands, but this one is string")]
    [InlineData("risk.score ? true : false", 1, 1, "the condition of '? :' must be bool, got int")]
    [InlineData("1 + 2", 1, 1, "a condition must evaluate to bool, but this expression is int")]
    [InlineData("risk.level", 1, 1, "a condition must evaluate to bool, but this expression is string")]
    [InlineData("context.geo", 1, 1, "a condition must evaluate to bool, but this expression is map(string, dyn)")]
    [InlineData("context.auth.amr[0] == 'pwd' && context.auth.amr['x'] == 'y'", 1, 50, "a list index must be an int, got string")]
    [InlineData("subject.attributes[1] == 2", 1, 20, "map keys are strings, got int")]
    [InlineData("risk.score[0] == 1", 1, 11, "type 'int' cannot be indexed")]
    [InlineData("risk.level.x == 1", 1, 12, "type 'string' has no fields; cannot select 'x'")]
    // functions and macros
    [InlineData("size(risk.new_device) > 0", 1, 6, "size() expects a string, list or map, got bool")]
    [InlineData("risk.score.size() > 0", 1, 1, "size() expects a string, list or map, got int")]
    [InlineData("size('a', 'b') == 1", 1, 1, "size() takes 1 argument, got 2")]
    [InlineData("now(1) > now()", 1, 1, "now() takes 0 arguments, got 1")]
    [InlineData("has(subject)", 1, 5, "has() takes one field selection, such as has(context.device_id) or has(resource.attributes.amount)")]
    [InlineData("has(subject.attributes['x'])", 1, 5, "has() takes one field selection, such as has(context.device_id) or has(resource.attributes.amount)")]
    [InlineData("has()", 1, 1, "has() takes one field selection, such as has(context.device_id) or has(resource.attributes.amount)")]
    [InlineData("has(risk.score.x)", 1, 16, "has() cannot test a field of type 'int'")]
    [InlineData("risk.score.startsWith('a')", 1, 1, "startsWith() must be called on a string, got int")]
    [InlineData("action.endsWith(1)", 1, 17, "endsWith() expects a string argument, got int")]
    [InlineData("action.contains(risk.new_ip)", 1, 17, "contains() expects a string argument, got bool")]
    [InlineData("risk.score.matches('a')", 1, 1, "matches() must be applied to a string, got int")]
    [InlineData("action.matches(1)", 1, 16, "matches() expects a string pattern, got int")]
    [InlineData("ip_in(risk.score, ['10.0.0.0/8'])", 1, 7, "ip_in() expects an IP address string as its first argument, got int")]
    [InlineData("ip_in(context.ip, 1)", 1, 19, "ip_in() expects a list of CIDR strings as its second argument, got int")]
    [InlineData("duration(5) > duration('1s')", 1, 10, "duration() does not accept int")]
    [InlineData("timestamp(1.5) > now()", 1, 11, "timestamp() does not accept double")]
    [InlineData("int(risk.new_device) == 1", 1, 5, "int() does not accept bool")]
    [InlineData("startsWith(action, 'a')", 1, 1, "'startsWith' is a method; call it on a string, e.g. s.startsWith(\"...\")")]
    [InlineData("context.ip.ip_in(['10.0.0.0/8'])", 1, 12, "'ip_in' is not a method; call it as ip_in(...)")]
    [InlineData("action.startswith('a')", 1, 8, "unknown method 'startswith' (did you mean 'startsWith'?)")]
    [InlineData("ipin(context.ip, ['10.0.0.0/8'])", 1, 1, "unknown function 'ipin' (did you mean 'ip_in'?)")]
    public void Compile_ReportsError_WithPosition(string source, int line, int column, string message)
    {
        var error = Assert.Single(Errors(source));
        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
        Assert.False(error.IsWarning);
    }

    [Theory]
    [InlineData("risk.score == 'x'")]
    [InlineData("risk.new_device == 1")]
    [InlineData("context.ip == null")]
    [InlineData("risk.score in ['a']")]
    [InlineData("subject.attributes.x + 1 == 2")]
    [InlineData("subject.attributes.x < 'a'")]
    [InlineData("subject.attributes.x && subject.attributes.y")]
    [InlineData("subject.attributes.x ? 1 == 1 : 'a' == 'a'")]
    [InlineData("size(subject.attributes.x) == 1")]
    [InlineData("subject.attributes.x.y.z == 1")]
    [InlineData("subject.attributes.x[0]['y'] == 1")]
    [InlineData("subject['id'] == 'alice'")]
    [InlineData("risk.score + 0.5 > 1")]
    [InlineData(".subject.id == 'alice'")]
    public void Compile_Accepts_WhenTypesAreCompatibleOrDynamic(string source)
    {
        Compile(source);
    }

    [Fact]
    public void Compile_ReportsPositions_OnLaterLines()
    {
        var errors = Errors("risk.score > 1 &&\n  risk.nope &&\r\n\tsubjct.id == 'a'");
        Assert.Equal([(2, 8), (3, 2)], errors.Select(e => (e.Line, e.Column)));
    }

    [Fact]
    public void Compile_ReportsAllTypeErrors_NotOnlyTheFirst()
    {
        var errors = Errors("subjct.id == 'a' || risk.score + 'x' == 1 || !risk.level || size(risk.new_ip) > 0 || risk.nope");
        Assert.Equal(
            [(1, 1), (1, 32), (1, 46), (1, 66), (1, 91)],
            errors.Select(e => (e.Line, e.Column)));
    }

    [Fact]
    public void Compile_ReportsLexerParserAndTypeErrors_Together()
    {
        var errors = Errors("subjct.id == 'a' && risk.score > @ && (action == 'x'");
        Assert.Equal(
            ["unknown name 'subjct' (did you mean 'subject'?); names in scope: subject, action, resource, context, risk, lists, time",
             "unexpected character '@'",
             "expected ')' but found end of condition"],
            errors.Select(e => e.Message));
        Assert.Equal([1, 34, 53], errors.Select(e => e.Column));
    }

    [Fact]
    public void Compile_ReturnsNullAndKeepsCallerDiagnostics_WhenInvalid()
    {
        var diagnostics = new List<ConditionDiagnostic> { new(9, 9, "earlier", false) };
        Assert.Null(ConditionCompiler.Compile("risk.nope", Scope(), diagnostics));
        Assert.Equal(2, diagnostics.Count);
        Assert.Equal("earlier", diagnostics[0].Message);
    }

    [Fact]
    public void Compile_ReportsUnknownList_WhenPolicyHasNoLists()
    {
        var scope = new ConditionScope { Lists = new Dictionary<string, IReadOnlyList<string>>() };
        var error = Assert.Single(Errors("'x' in lists.admins", scope));
        Assert.Equal("unknown list 'admins'; the policy defines no lists", error.Message);
    }

    [Fact]
    public void Diagnostic_FormatsAsLineColumnSeverityMessage()
    {
        Assert.Equal("2:5: error: boom", new ConditionDiagnostic(2, 5, "boom", false).ToString());
        Assert.Equal("1:1: warning: hm", new ConditionDiagnostic(1, 1, "hm", true).ToString());
    }
}
