using static StepUp.Core.Tests.Policy.Conditions.ConditionTestKit;

namespace StepUp.Core.Tests.Policy.Conditions;

/// <summary>Every example in docs/policy-conditions.md compiles without errors.</summary>
public sealed class ConditionDocExamplesTests
{
    [Theory]
    [InlineData("resource.attributes.amount >= 10000 || risk.new_device")]
    [InlineData("subject.attributes.role == \"admin\"")]
    [InlineData("resource.type == \"transfer\" && resource.attributes.currency != \"EUR\"")]
    [InlineData("context.auth.level == \"aal1\" && \"pwd\" in context.auth.amr")]
    [InlineData("has(context.geo.country) && context.geo.country in lists.sanctioned_countries")]
    [InlineData("risk.score >= 70 || risk.impossible_travel")]
    [InlineData("time.weekday == 0 || time.weekday == 6")]
    [InlineData("risk.new_device || resource.attributes.amount > 1000")]
    [InlineData("!ip_in(context.ip, lists.office_networks)")]
    [InlineData("risk.level == \"high\" ? resource.attributes.amount > 100 : resource.attributes.amount > 10000")]
    [InlineData("subject.attributes.frozen == true")]
    [InlineData("context.auth.amr == [\"pwd\", \"otp\"]")]
    [InlineData("risk.score >= 70")]
    [InlineData("resource.attributes.amount > 10000.5")]
    [InlineData("now() - timestamp(context.auth.auth_time) > duration(\"15m\")")]
    [InlineData("subject.attributes.role in [\"admin\", \"owner\"]")]
    [InlineData("\"otp\" in context.auth.amr")]
    [InlineData("\"country\" in context.geo")]
    [InlineData("resource.attributes.amount * resource.attributes.fx_rate > 10000")]
    [InlineData("subject.attributes.attempts % 2 == 1")]
    [InlineData("has(context.device_id) && context.device_id.startsWith(\"managed-\")")]
    [InlineData("has(resource.attributes.amount) && resource.attributes.amount >= 10000")]
    [InlineData("has(context.auth) && has(context.auth.level)")]
    [InlineData("size(context.auth.amr) >= 2")]
    [InlineData("subject.attributes.display_name.size() > 64")]
    [InlineData("action.startsWith(\"admin.\")")]
    [InlineData("context.user_agent.contains(\"Headless\")")]
    [InlineData("action.matches(r'^(admin|ops)\\.')")]
    [InlineData("context.user_agent.matches(\"(?i)curl|wget\")")]
    [InlineData("ip_in(context.ip, [\"10.0.0.0/8\", \"fd00::/8\"])")]
    [InlineData("now() - timestamp(context.auth.auth_time) > duration(\"12h\")")]
    [InlineData("now() < timestamp(\"2026-07-01T00:00:00Z\")")]
    [InlineData("int(subject.attributes.employee_number) < 1000")]
    [InlineData("double(resource.attributes.amount_text) > 99.5")]
    [InlineData("string(risk.score) + \"%\" == \"40%\"")]
    public void DocumentedExample_Compiles(string source)
    {
        Compile(source);
    }

    [Fact]
    public void Matches_SupportsInlineCaseInsensitivity()
    {
        var input = new InputBuilder { UserAgent = "CURL/8.0" }.Build();
        Assert.True(Compile("context.user_agent.matches(\"(?i)curl|wget\")").Evaluate(input).AsBool);
    }
}
