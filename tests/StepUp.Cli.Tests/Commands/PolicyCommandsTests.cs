namespace StepUp.Cli.Tests.Commands;

public class PolicyCommandsTests
{
    [Fact]
    public void Check_ExamplePolicy_Succeeds()
    {
        var (exit, output, _) = CliRunner.Run("policy", "check", CliRunner.Example("policy.yaml"), "--geoip", "--anonymous-ip");
        Assert.Equal(0, exit);
        Assert.Contains("OK: 14 rules", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ExamplePolicy_WithoutGeoIp_WarnsButPasses()
    {
        var (exit, output, _) = CliRunner.Run("policy", "check", CliRunner.Example("policy.yaml"));
        Assert.Equal(0, exit);
        Assert.Contains("warning:", output, StringComparison.Ordinal);
        Assert.Contains("anonymous_ip", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_InvalidPolicy_ListsEveryErrorWithPosition_AndExits1()
    {
        var path = CliRunner.TempFile("version: 1\nrules:\n  - { id: a, effect: block }\n  - { id: b, effect: deny, when: \"nope.x\" }\n");
        var (exit, output, _) = CliRunner.Run("policy", "check", path);
        Assert.Equal(1, exit);
        Assert.Contains($"{path}:3:22: error: unknown effect 'block'", output, StringComparison.Ordinal);
        Assert.Contains($"{path}:4:35: error:", output, StringComparison.Ordinal);
        Assert.Contains("2 error(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_ExampleCases_AllPass()
    {
        var (exit, output, _) = CliRunner.Run("policy", "test", CliRunner.Example("policy.yaml"), CliRunner.Example("cases.yaml"));
        Assert.True(exit == 0, output);
        Assert.Contains("17 passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_WrongExpectation_FailsAndExits1()
    {
        var cases = CliRunner.TempFile("""
            cases:
              - name: wrong on purpose
                request: { subject: { id: a }, action: apikeys.create }
                expect: allow
              - name: right
                request: { subject: { id: a }, action: apikeys.create }
                expect: step_up
                rules: [admin-and-keys]
              - name: wrong rules
                request: { subject: { id: a }, action: apikeys.create }
                expect: step_up
                rules: [large-transfer]
              - name: broken request
                request: { action: apikeys.create }
                expect: allow
            """);
        var (exit, output, _) = CliRunner.Run("policy", "test", CliRunner.Example("policy.yaml"), cases);
        Assert.Equal(1, exit);
        Assert.Contains("FAIL  wrong on purpose (line 2): expected allow, got step_up (rules: admin-and-keys)", output, StringComparison.Ordinal);
        Assert.Contains("PASS  right", output, StringComparison.Ordinal);
        Assert.Contains("expected rules large-transfer, got admin-and-keys", output, StringComparison.Ordinal);
        Assert.Contains("subject is required", output, StringComparison.Ordinal);
        Assert.Contains("1 passed, 3 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_UnreadableCases_Exits1()
    {
        var (exit, output, _) = CliRunner.Run("policy", "test", CliRunner.Example("policy.yaml"), CliRunner.TempFile("cases: [ {"));
        Assert.Equal(1, exit);
        Assert.Contains("cannot read cases", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_NamesAppliedRulesAndDecision()
    {
        var (exit, output, _) = CliRunner.Run("policy", "explain", CliRunner.Example("policy.yaml"), "--request", CliRunner.Example("request.json"));
        Assert.Equal(0, exit);
        Assert.Contains("APPLIES large-transfer [step_up]: action matches; when: resource.attributes.amount >= 10000 || risk.new_device => true", output, StringComparison.Ordinal);
        Assert.Contains("admin-and-keys [step_up]: action does not match", output, StringComparison.Ordinal);
        Assert.Contains("decision: step_up", output, StringComparison.Ordinal);
        Assert.Contains("required: aal2 via webauthn, totp, recovery_code, max_age 5m, bound to the resource, once", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_InvalidRequest_Exits1()
    {
        var (exit, _, error) = CliRunner.Run("policy", "explain", CliRunner.Example("policy.yaml"), "--request", CliRunner.TempFile("{\"action\": 1}", ".json"));
        Assert.Equal(1, exit);
        Assert.Contains("subject is required", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingArguments_Exit1()
    {
        var (exit, _, _) = CliRunner.Run("policy", "check");
        Assert.NotEqual(0, exit);
    }
}
