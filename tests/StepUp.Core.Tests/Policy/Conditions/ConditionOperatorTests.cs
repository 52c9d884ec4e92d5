using StepUp.Core.Policy.Conditions;
using static StepUp.Core.Tests.Policy.Conditions.ConditionTestKit;

namespace StepUp.Core.Tests.Policy.Conditions;

public sealed class ConditionOperatorTests
{
    [Theory]
    // literals
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("null == null", true)]
    [InlineData("0x1F == 31", true)]
    [InlineData("0XfF == 255", true)]
    [InlineData("1e3 == 1000", true)]
    [InlineData("1.5e-1 == 0.15", true)]
    [InlineData("-3 < 0", true)]
    [InlineData("-9223372036854775808 < 0", true)]
    [InlineData("9223372036854775807 > 0", true)]
    [InlineData("'single' == \"single\"", true)]
    [InlineData("'a\\nb' == \"a\\u000ab\"", true)]
    [InlineData("'\\t\\\\\\\"\\'' == \"\\x09\\\\\\\"'\"", true)]
    [InlineData("'\\u0041\\U0001F600' == 'A😀'", true)]
    [InlineData("'\\101' == 'A'", true)]
    [InlineData("r'\\d+' == '\\\\d+'", true)]
    [InlineData("'''a'b''' == \"a'b\"", true)]
    [InlineData("[1, 'a'] == [1, 'a']", true)]
    [InlineData("[] == []", true)]
    [InlineData("[1, 2,] == [1, 2]", true)]
    // arithmetic
    [InlineData("1 + 2 == 3", true)]
    [InlineData("7 - 10 == -3", true)]
    [InlineData("6 * 7 == 42", true)]
    [InlineData("7 / 2 == 3", true)]
    [InlineData("-7 / 2 == -3", true)]
    [InlineData("7 % 3 == 1", true)]
    [InlineData("-7 % 3 == -1", true)]
    [InlineData("1.5 + 1.5 == 3.0", true)]
    [InlineData("7.0 / 2.0 == 3.5", true)]
    [InlineData("1 / 0.0 > 1e308", true)]
    [InlineData("1 + 0.5 == 1.5", true)]
    [InlineData("3 * 0.5 == 1.5", true)]
    [InlineData("7.5 % 2 == 1.5", true)]
    [InlineData("'ab' + 'cd' == 'abcd'", true)]
    [InlineData("[1] + [2, 3] == [1, 2, 3]", true)]
    [InlineData("--3 == 3", true)]
    [InlineData("-(1 + 2) == -3", true)]
    // precedence
    [InlineData("-2 * 3 + 1 == -5", true)]
    [InlineData("1 + 2 * 3 == 7", true)]
    [InlineData("(1 + 2) * 3 == 9", true)]
    [InlineData("10 - 4 - 3 == 3", true)]
    [InlineData("12 / 2 / 3 == 2", true)]
    [InlineData("true || false && false", true)]
    [InlineData("(true || false) && false", false)]
    [InlineData("!true == false", true)]
    [InlineData("!false && false", false)]
    [InlineData("1 < 2 == true", true)]
    [InlineData("true ? false : true", false)]
    [InlineData("false ? true : 1 < 2", true)]
    [InlineData("true ? (false ? 1 == 2 : true) : false", true)]
    [InlineData("false ? 1 == 2 : false ? 1 == 3 : true", true)]
    [InlineData("false || true ? 1 == 1 : 1 == 2", true)]
    [InlineData("2 in [1, 2] && 3 in [3]", true)]
    [InlineData("1 + 1 in [2]", true)]
    // equality: heterogeneous, numeric across int and double, deep lists
    [InlineData("1 == 1.0", true)]
    [InlineData("1.0 == 1", true)]
    [InlineData("1 != 1.5", true)]
    [InlineData("9007199254740993 == 9007199254740992.0", false)]
    [InlineData("'1' == 1", false)]
    [InlineData("null == false", false)]
    [InlineData("[1, 2] == [1.0, 2.0]", true)]
    [InlineData("[1, 2] == [2, 1]", false)]
    [InlineData("[1, 'a'] != [1, 'b']", true)]
    [InlineData("[[1]] == [[1]]", true)]
    [InlineData("0.0 / 0.0 == 0.0 / 0.0", false)]
    [InlineData("-0.0 == 0.0", true)]
    // ordering
    [InlineData("1 < 1.5", true)]
    [InlineData("2.5 > 2", true)]
    [InlineData("2 >= 2.0", true)]
    [InlineData("3 <= 2", false)]
    [InlineData("-1 < -0.5", true)]
    [InlineData("9223372036854775807 < 9223372036854775808.0", true)]
    [InlineData("'a' < 'b'", true)]
    [InlineData("'B' < 'a'", true)]
    [InlineData("'abc' >= 'abc'", true)]
    [InlineData("false < true", true)]
    [InlineData("1 < 0.0 / 0.0", false)]
    [InlineData("1 >= 0.0 / 0.0", false)]
    [InlineData("duration('1m') < duration('2m')", true)]
    [InlineData("timestamp('2026-01-01T00:00:00Z') > timestamp('2025-12-31T23:59:59Z')", true)]
    // membership
    [InlineData("'b' in ['a', 'b']", true)]
    [InlineData("'c' in ['a', 'b']", false)]
    [InlineData("1 in ['a', 'b']", false)]
    [InlineData("1.0 in [1, 'a']", true)]
    [InlineData("2 in [1.0, 2.0]", true)]
    [InlineData("[1] in [[1], [2]]", true)]
    [InlineData("'x' in []", false)]
    public void Evaluate_ReturnsExpected_ForOperators(string source, bool expected)
    {
        Assert.Equal(expected, EvalBool(source));
    }

    [Theory]
    [InlineData("subject.attributes.count + 1 == 8", true)]
    [InlineData("subject.attributes.count * 2.5 == 17.5", true)]
    [InlineData("subject.attributes.age / 4 == 10.5", true)]
    [InlineData("subject.attributes.count % 4 == 3", true)]
    [InlineData("subject.attributes.age - subject.attributes.count == 35", true)]
    [InlineData("-subject.attributes.count == -7", true)]
    [InlineData("subject.attributes.count == 7.0", true)]
    [InlineData("subject.attributes.age == 42", true)]
    [InlineData("subject.attributes.age > 41", true)]
    [InlineData("resource.attributes.amount >= 10000", true)]
    [InlineData("resource.attributes.amount < 12000.5", true)]
    [InlineData("subject.attributes.role + '!' == 'admin!'", true)]
    [InlineData("subject.attributes.tags + ['c'] == ['a', 'b', 'c']", true)]
    [InlineData("subject.attributes.tags == ['a', 'b']", true)]
    [InlineData("subject.attributes.profile == subject.attributes.profile", true)]
    [InlineData("subject.attributes.profile != resource.attributes", true)]
    [InlineData("'b' in subject.attributes.tags", true)]
    [InlineData("'country' in subject.attributes.profile", true)]
    [InlineData("'city' in subject.attributes.profile", false)]
    [InlineData("1 in subject.attributes.profile", false)]
    [InlineData("subject.attributes.nothing == null", true)]
    [InlineData("subject.attributes.role in ['admin', 'owner']", true)]
    [InlineData("subject.attributes.count in [1, 7, 'x']", true)]
    [InlineData("subject.attributes.age in [42, 'x']", true)]
    [InlineData("subject.attributes.role in [subject.id, action, 'admin']", true)]
    [InlineData("subject.attributes.role in [subject.id, action]", false)]
    [InlineData("subject.attributes.tags[1] == 'b'", true)]
    [InlineData("subject.attributes.tags[1.0] == 'b'", true)]
    [InlineData("subject.attributes['role'] == 'admin'", true)]
    [InlineData("subject.attributes.profile['country'] == 'GB'", true)]
    [InlineData("subject.attributes.profile.country == 'GB'", true)]
    [InlineData("subject.attributes[subject.attributes.role == 'admin' ? 'role' : 'x'] == 'admin'", true)]
    [InlineData("subject.attributes.frozen ? false : true", true)]
    [InlineData("subject.attributes.count > 5 ? subject.attributes.role == 'admin' : false", true)]
    public void Evaluate_ReturnsExpected_ForDynamicOperands(string source, bool expected)
    {
        Assert.Equal(expected, EvalBool(source));
    }

    [Theory]
    [InlineData("subject.attributes.big + 1 == 0", "integer overflow")]
    [InlineData("-subject.attributes.big - 2 == 0", "integer overflow")]
    [InlineData("subject.attributes.big * 2 == 0", "integer overflow")]
    [InlineData("subject.attributes.count / 0 == 0", "division by zero")]
    [InlineData("subject.attributes.count % 0 == 0", "modulus by zero")]
    [InlineData("subject.attributes.age % 0 == 0", "modulus by zero")]
    [InlineData("subject.attributes.role + 1 == 0", "no such overload: string + int")]
    [InlineData("subject.attributes.role < 1", "no such overload: string < int")]
    [InlineData("subject.attributes.tags > 1", "no such overload: list > int")]
    [InlineData("!subject.attributes.role", "no such overload: !(string)")]
    [InlineData("-subject.attributes.role == 1", "no such overload: -(string)")]
    [InlineData("subject.attributes.role ? true : false", "no such overload: ?:(string)")]
    [InlineData("subject.attributes.missing == 1", "no such key: missing")]
    [InlineData("subject.attributes['miss' + 'ing'] == 1", "no such key: missing")]
    [InlineData("subject.attributes.tags[5] == 'x'", "index out of range: 5")]
    [InlineData("subject.attributes.tags[-1] == 'x'", "index out of range: -1")]
    [InlineData("subject.attributes.tags['x'] == 'x'", "type 'list' has no field 'x'")]
    [InlineData("subject.attributes.tags[subject.attributes.role] == 'x'", "list index must be an int, not string")]
    [InlineData("subject.attributes.profile[subject.attributes.count] == 'x'", "map keys are strings, not int")]
    [InlineData("subject.attributes.role.x == 1", "type 'string' has no field 'x'")]
    [InlineData("subject.attributes.role[0] == 1", "type 'string' does not support indexing")]
    [InlineData("1 in subject.attributes.role", "no such overload: int in string")]
    [InlineData("subject.attributes.role", "condition evaluated to string, not bool")]
    [InlineData("subject.attributes.role in [subject.attributes.missing]", "no such key: missing")]
    public void Evaluate_ReturnsError_ForRuntimeFailures(string source, string message)
    {
        var value = Eval(source);
        Assert.Equal(CelKind.Error, value.Kind);
        Assert.Equal(message, value.ErrorMessage);
    }

    [Fact]
    public void Evaluate_ReturnsError_WhenIntegerMinimumIsDividedByMinusOne()
    {
        var input = new InputBuilder();
        input.SubjectAttributes["min"] = CelValue.FromInt(long.MinValue);
        Assert.Equal("integer overflow", Eval("subject.attributes.min / -1 == 0", input.Build()).ErrorMessage);
        Assert.Equal("integer overflow", Eval("subject.attributes.min % -1 == 0", input.Build()).ErrorMessage);
        Assert.Equal("integer overflow", Eval("-subject.attributes.min == 0", input.Build()).ErrorMessage);
    }

    [Theory]
    [InlineData("9223372036854775807 + 1 == 0", 1, 21, "integer overflow")]
    [InlineData("1 / 0 == 0", 1, 3, "division by zero")]
    [InlineData("5 % 0 == 0", 1, 3, "modulus by zero")]
    [InlineData("-9223372036854775808 - 1 < 0", 1, 22, "integer overflow")]
    [InlineData("3 * 4611686018427387904 > 0", 1, 3, "integer overflow")]
    public void Compile_ReportsError_WhenConstantArithmeticAlwaysFails(string source, int line, int column, string message)
    {
        var error = Assert.Single(Errors(source));
        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
    }
}
