using StepUp.Core.Policy.Conditions;
using static StepUp.Core.Tests.Policy.Conditions.ConditionTestKit;

namespace StepUp.Core.Tests.Policy.Conditions;

/// <summary>Lexical and syntax errors, with positions, and the size and nesting bounds.</summary>
public sealed class ConditionSyntaxTests
{
    [Theory]
    [InlineData("action == 'abc", 1, 11, "unterminated string literal")]
    [InlineData("action == \"abc", 1, 11, "unterminated string literal")]
    [InlineData("action == 'ab\nc", 1, 11, "unterminated string literal")]
    [InlineData("action == '''abc''", 1, 11, "unterminated string literal")]
    [InlineData("action == 'a\\qb'", 1, 13, "invalid escape sequence '\\q' in string literal")]
    [InlineData("action == '\\u12'", 1, 12, "invalid escape sequence: expected 4 hexadecimal digits")]
    [InlineData("action == '\\uD800'", 1, 12, "invalid escape sequence: U+D800 is not a Unicode scalar value")]
    [InlineData("action == '\\U00110000'", 1, 12, "invalid escape sequence: U+110000 is not a Unicode scalar value")]
    [InlineData("action == '\\18'", 1, 12, "invalid escape sequence: expected 3 octal digits")]
    [InlineData("action == b'abc'", 1, 11, "bytes literals are not supported in conditions; use a string")]
    [InlineData("action == @", 1, 11, "unexpected character '@'")]
    [InlineData("action == #x", 1, 11, "unexpected character '#'")]
    [InlineData("action == 'a' $", 1, 15, "unexpected character '$'")]
    [InlineData("action == \u0001", 1, 11, "unexpected character U+0001")]
    [InlineData("action = 'a'", 1, 8, "unexpected '='; use '==' to compare")]
    [InlineData("risk.new_ip & risk.new_device", 1, 13, "unexpected '&'; use '&&' for logical and")]
    [InlineData("risk.new_ip | risk.new_device", 1, 13, "unexpected '|'; use '||' for logical or")]
    [InlineData("{'a': 1} == 1", 1, 1, "map literals ('{...}') are not supported in conditions")]
    [InlineData("risk.score > 1u", 1, 14, "unsigned integer literals are not supported in conditions; drop the 'u' suffix")]
    [InlineData("risk.score > 12abc", 1, 14, "invalid number literal")]
    [InlineData("risk.score > 1e", 1, 14, "invalid number literal: expected digits in the exponent")]
    [InlineData("risk.score > 0x", 1, 14, "invalid hexadecimal literal: expected hex digits after '0x'")]
    [InlineData("risk.score > 99999999999999999999", 1, 14, "integer literal is out of range")]
    [InlineData("risk.score > 9223372036854775808", 1, 14, "integer literal is out of range")]
    [InlineData("risk.score > -9223372036854775809", 1, 15, "integer literal is out of range")]
    [InlineData("risk.score > 1e999", 1, 14, "number literal is out of range")]
    public void Compile_ReportsLexicalError_WithPosition(string source, int line, int column, string message)
    {
        var error = Assert.Single(Errors(source));
        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
    }

    [Theory]
    [InlineData("", 1, 1, "condition is empty")]
    [InlineData("   \n  ", 2, 3, "condition is empty")]
    [InlineData("// only a comment", 1, 18, "condition is empty")]
    [InlineData("risk.new_ip &&", 1, 15, "unexpected end of condition; expected an expression")]
    [InlineData("&& risk.new_ip", 1, 1, "unexpected '&&'; expected an expression")]
    [InlineData("(risk.new_ip", 1, 13, "expected ')' but found end of condition")]
    [InlineData("risk.new_ip)", 1, 12, "unexpected ')'; expected an operator or the end of the condition")]
    [InlineData("risk.new_ip risk.new_device", 1, 13, "unexpected 'risk'; expected an operator or the end of the condition")]
    [InlineData("risk.", 1, 6, "expected a field or method name after '.', found end of condition")]
    [InlineData("risk.1 == 1", 1, 6, "expected a field or method name after '.', found integer")]
    [InlineData("subject.attributes['a'", 1, 23, "expected ']' but found end of condition")]
    [InlineData("'a' in ['a', 'b'", 1, 17, "expected ']' but found end of condition")]
    [InlineData("size('a') == size('b'", 1, 22, "expected ')' but found end of condition")]
    [InlineData("risk.new_ip ? true", 1, 19, "expected ':' of the conditional expression but found end of condition")]
    [InlineData("risk.new_ip ? : true", 1, 15, "unexpected ':'; expected an expression")]
    [InlineData("[,] == []", 1, 2, "unexpected ','; expected an expression")]
    public void Compile_ReportsSyntaxError_WithPosition(string source, int line, int column, string message)
    {
        var error = Assert.Single(Errors(source));
        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void Compile_ReportsSeveralLexicalErrors_AtOnce()
    {
        var errors = Errors("action == @ || risk.score > # || action == 'x\\q' || action == 'open");
        Assert.Equal([11, 29, 46, 63], errors.Select(e => e.Column));
    }

    [Fact]
    public void Compile_AcceptsComments_AndAnyWhitespace()
    {
        Assert.True(EvalBool("// leading comment\nrisk.new_device // trailing\n\t&&\r\n  true"));
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void Compile_BoundsParenthesisNesting(int depth, bool ok)
    {
        var source = new string('(', depth) + "true" + new string(')', depth);
        AssertDepth(source, ok);
    }

    [Theory]
    [InlineData("!", 63, true)]
    [InlineData("!", 64, false)]
    [InlineData("-", 70, false)]
    public void Compile_BoundsUnaryNesting(string op, int count, bool ok)
    {
        var source = string.Concat(Enumerable.Repeat(op, count)) + (op == "!" ? "true" : "1 == 1");
        AssertDepth(source, ok);
    }

    [Fact]
    public void Compile_BoundsOperatorChains()
    {
        AssertDepth(string.Join(" + ", Enumerable.Repeat("1", 60)) + " == 60", true);
        AssertDepth(string.Join(" + ", Enumerable.Repeat("1", 70)) + " == 70", false);
        AssertDepth("subject.attributes" + string.Concat(Enumerable.Repeat(".a", 70)) + " == 1", false);
        AssertDepth(new string('[', 70) + new string(']', 70) + " == []", false);
    }

    [Fact]
    public void Compile_DoesNotOverflowTheStack_OnHostileInput()
    {
        foreach (var source in new[]
        {
            new string('(', 4000), new string('[', 4000), new string('!', 4000) + "true", new string('-', 4000) + "1",
            string.Concat(Enumerable.Repeat("f(", 1300)), string.Concat(Enumerable.Repeat("a.", 2000)) + "b",
            string.Join("+", Enumerable.Repeat("1", 2000)),
        })
        {
            Assert.True(source.Length <= ConditionCompiler.MaxSourceLength);
            var errors = Errors(source);
            Assert.Contains(errors, e => e.Message.Contains("nested too deeply", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Compile_RejectsSourceLongerThanTheLimit()
    {
        var source = "true || " + new string(' ', ConditionCompiler.MaxSourceLength) + "false";
        var error = Assert.Single(Errors(source));
        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Equal($"condition is too long ({source.Length} characters; the limit is 4096)", error.Message);

        var atLimit = "true" + new string(' ', ConditionCompiler.MaxSourceLength - 4);
        Assert.True(EvalBool(atLimit));
    }

    private static void AssertDepth(string source, bool ok)
    {
        if (ok)
        {
            Compile(source);
            return;
        }

        var error = Assert.Single(Errors(source));
        Assert.Equal("expression is nested too deeply (the limit is 64 levels)", error.Message);
    }
}
