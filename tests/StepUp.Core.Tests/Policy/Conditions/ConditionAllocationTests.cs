using StepUp.Core.Policy.Conditions;
using static StepUp.Core.Tests.Policy.Conditions.ConditionTestKit;

namespace StepUp.Core.Tests.Policy.Conditions;

/// <summary>The hot path: evaluating typical compiled conditions allocates nothing.</summary>
public sealed class ConditionAllocationTests
{
    [Theory]
    [InlineData("resource.attributes.amount >= 10000 || risk.new_device", true)]
    [InlineData("has(context.geo.country) && context.geo.country in lists.sanctioned_countries", false)]
    [InlineData("risk.score >= 70 && !ip_in(context.ip, lists.office_networks)", false)]
    [InlineData("risk.score >= 30 && !ip_in(context.ip, lists.office_networks)", true)]
    [InlineData("ip_in(context.ip, ['2001:db8::/32', '81.2.0.0/16'])", true)]
    [InlineData("action.startsWith('admin.')", false)]
    [InlineData("subject.attributes.role in ['admin', 'owner']", true)]
    [InlineData("time.hour < 6", true)]
    [InlineData("'pwd' in context.auth.amr", true)]
    [InlineData("context.user_agent.matches('Mozilla/[0-9]')", true)]
    [InlineData("now() - timestamp(context.auth.auth_time) > duration('15m')", true)]
    [InlineData("size(action) > 3 && action.endsWith('.transfer') && action.contains('pay')", true)]
    [InlineData("risk.level == 'medium' ? risk.score > 10 : false", true)]
    [InlineData("subject.attributes.tags[0] == 'a' && 'b' in subject.attributes.tags", true)]
    [InlineData("resource.attributes.amount * 2 > 100.5 && subject.attributes.count % 2 == 1", true)]
    [InlineData("context.device_id in [subject.id, 'd-1']", true)]
    public void Evaluate_AllocatesNothing_ForTypicalConditions(string source, bool expected)
    {
        var condition = Compile(source);
        var input = new InputBuilder().Build();
        Assert.Equal(CelValue.FromBool(expected), condition.Evaluate(input)); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            condition.Evaluate(input);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Evaluate_AllocatesNothing_ForConstantAbsentFieldErrors()
    {
        var condition = Compile("context.device_id == 'd-1' || resource.attributes.amount > 1");
        var input = new InputBuilder { DeviceId = null, HasResource = false }.Build();
        Assert.Equal(CelKind.Error, condition.Evaluate(input).Kind);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            condition.Evaluate(input);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Evaluate_IsSafe_FromManyThreads()
    {
        var condition = Compile("risk.score >= 30 && !ip_in(context.ip, lists.office_networks) && subject.attributes.role.matches(subject.attributes.pattern)");
        var inputs = Enumerable.Range(0, 8).Select(i => new InputBuilder { Ip = i % 2 == 0 ? "198.51.100.1" : "10.0.0.1" }.Build()).ToArray();
        Parallel.For(0, 20_000, i =>
        {
            var expected = i % 8 % 2 != 0;
            Assert.Equal(CelValue.FromBool(expected), condition.Evaluate(inputs[i % 8]));
        });
    }
}
