using StepUp.Core.Policy.Conditions;
using static StepUp.Core.Tests.Policy.Conditions.ConditionTestKit;

namespace StepUp.Core.Tests.Policy.Conditions;

/// <summary>CEL's commutative logical operators: an error is absorbed when the other side decides.</summary>
public sealed class ConditionLogicTests
{
    // With the default input: risk.new_device is true, risk.new_ip is false, the device_id read is an error
    // (no device id), and subject.attributes.count is the non-bool 7.
    private const string T = "risk.new_device";
    private const string F = "risk.new_ip";
    private const string E = "context.device_id == 'd-1'";
    private const string N = "subject.attributes.count";

    private static CelValue Run(string source)
    {
        var input = new InputBuilder { DeviceId = null };
        return Compile(source).Evaluate(input.Build());
    }

    [Theory]
    [InlineData(T, T, "true")]
    [InlineData(T, F, "false")]
    [InlineData(F, T, "false")]
    [InlineData(F, F, "false")]
    [InlineData(F, E, "false")]
    [InlineData(E, F, "false")]
    [InlineData(T, E, "error")]
    [InlineData(E, T, "error")]
    [InlineData(E, E, "error")]
    [InlineData(N, F, "false")]
    [InlineData(F, N, "false")]
    [InlineData(N, T, "error")]
    [InlineData(T, N, "error")]
    public void Evaluate_AbsorbsErrors_ForAnd(string left, string right, string expected)
    {
        Assert.Equal(expected, Describe(Run($"{left} && {right}")));
    }

    [Theory]
    [InlineData(T, T, "true")]
    [InlineData(T, F, "true")]
    [InlineData(F, T, "true")]
    [InlineData(F, F, "false")]
    [InlineData(T, E, "true")]
    [InlineData(E, T, "true")]
    [InlineData(F, E, "error")]
    [InlineData(E, F, "error")]
    [InlineData(E, E, "error")]
    [InlineData(N, T, "true")]
    [InlineData(T, N, "true")]
    [InlineData(N, F, "error")]
    [InlineData(F, N, "error")]
    public void Evaluate_AbsorbsErrors_ForOr(string left, string right, string expected)
    {
        Assert.Equal(expected, Describe(Run($"{left} || {right}")));
    }

    [Theory]
    [InlineData("false && (1 / subject.attributes.count == 0 || " + E + ")", "false")]
    [InlineData(E + " && " + T + " && " + F, "false")]
    [InlineData(T + " && " + T + " && " + T + " && " + E, "error")]
    [InlineData(E + " || " + F + " || " + F + " || " + T, "true")]
    [InlineData("!(" + E + ")", "error")]
    [InlineData("!" + T, "false")]
    [InlineData("!" + F, "true")]
    [InlineData(E + " ? true : true", "error")]
    [InlineData(T + " ? " + T + " : " + E, "true")]
    [InlineData(F + " ? " + E + " : " + F, "false")]
    [InlineData("(" + E + ") == (" + E + ")", "error")]
    public void Evaluate_PropagatesOrAbsorbsErrors_InCompoundExpressions(string source, string expected)
    {
        Assert.Equal(expected, Describe(Run(source)));
    }

    [Fact]
    public void Evaluate_ReturnsError_WithMessageOfFirstFailingOperand_WhenNoOperandDecides()
    {
        var value = Run($"{T} && context.device_id == 'x' && resource.attributes.nope == 1");
        Assert.Equal("no such key: device_id", value.ErrorMessage);
    }

    [Fact]
    public void Evaluate_ReturnsError_WithOverloadMessage_WhenAndOperandIsNotBool()
    {
        Assert.Equal("no such overload: &&(int)", Run($"{T} && {N}").ErrorMessage);
        Assert.Equal("no such overload: ||(int)", Run($"{F} || {N}").ErrorMessage);
    }

    [Theory]
    [InlineData("true && " + T, "true")]
    [InlineData("true && " + E, "error")]
    [InlineData("false && " + E, "false")]
    [InlineData(E + " && false", "false")]
    [InlineData("true || " + E, "true")]
    [InlineData(E + " || true", "true")]
    [InlineData("false || " + E, "error")]
    [InlineData("true ? " + T + " : " + E, "true")]
    public void Evaluate_KeepsSemantics_WhenConstantOperandsAreFolded(string source, string expected)
    {
        Assert.Equal(expected, Describe(Run(source)));
    }

    [Fact]
    public void Compile_FoldsConditionToConstant_WhenAConstantOperandDecides()
    {
        Assert.Equal(CelValue.False, Compile($"{T} && false && {E}").ConstantValue);
        Assert.Equal(CelValue.True, Compile($"{E} || true").ConstantValue);
        Assert.Null(Compile($"{T} && true").ConstantValue);
    }

    [Fact]
    public void Evaluate_HandlesLongFlatChains_WithoutDeepNesting()
    {
        var source = string.Join(" || ", Enumerable.Repeat(F, 200)) + " || " + T;
        Assert.True(source.Length < ConditionCompiler.MaxSourceLength);
        Assert.Equal("true", Describe(Run(source)));
    }

    private static string Describe(CelValue value) => value.Kind switch
    {
        CelKind.Bool => value.AsBool ? "true" : "false",
        CelKind.Error => "error",
        _ => value.ToString(),
    };
}
