using StepUp.Core.Policy;

namespace StepUp.Core.Tests.Policy;

public class ActionGlobTests
{
    [Theory]
    [InlineData("payments.transfer", "payments.transfer", true)]
    [InlineData("payments.transfer", "payments.transfers", false)]
    [InlineData("payments.transfer", "payments", false)]
    [InlineData("payments.*", "payments.transfer", true)]
    [InlineData("payments.*", "payments", false)]
    [InlineData("payments.*", "payments.payees.add", false)]
    [InlineData("payments.**", "payments.transfer", true)]
    [InlineData("payments.**", "payments.payees.add", true)]
    [InlineData("payments.**", "payments", false)]
    [InlineData("admin.**", "admin.users.role.update", true)]
    [InlineData("*.read", "records.read", true)]
    [InlineData("*.read", "records.secret.read", false)]
    [InlineData("**.read", "records.secret.read", true)]
    [InlineData("**.read", "read", false)]
    [InlineData("a.**.z", "a.b.c.z", true)]
    [InlineData("a.**.z", "a.z", false)]
    [InlineData("a.**.z", "a.b.z.y", false)]
    [InlineData("**", "anything.at.all", true)]
    [InlineData("*", "one", true)]
    [InlineData("*", "one.two", false)]
    [InlineData("users.role.*", "users.role.update", true)]
    [InlineData("payments.*", "payments.", false)]
    [InlineData("payments.**", "payments..x", false)]
    public void IsMatch_FollowsSegmentRules(string pattern, string action, bool expected)
    {
        var glob = ActionGlob.TryParse(pattern, out var error);
        Assert.Null(error);
        Assert.Equal(expected, glob!.IsMatch(action));
    }

    [Theory]
    [InlineData("")]
    [InlineData("payments..transfer")]
    [InlineData("pay*")]
    [InlineData("payments.*x")]
    [InlineData(".payments")]
    public void TryParse_RejectsMalformedPatterns(string pattern)
    {
        Assert.Null(ActionGlob.TryParse(pattern, out var error));
        Assert.NotNull(error);
    }
}
