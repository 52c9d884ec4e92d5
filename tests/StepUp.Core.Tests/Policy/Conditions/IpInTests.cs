using StepUp.Core.Policy.Conditions;
using static StepUp.Core.Tests.Policy.Conditions.ConditionTestKit;

namespace StepUp.Core.Tests.Policy.Conditions;

public sealed class IpInTests
{
    [Theory]
    // IPv4
    [InlineData("198.51.100.7", "['198.51.100.0/24']", true)]
    [InlineData("198.51.101.7", "['198.51.100.0/24']", false)]
    [InlineData("10.1.2.3", "['10.0.0.0/8']", true)]
    [InlineData("11.1.2.3", "['10.0.0.0/8']", false)]
    [InlineData("192.0.2.1", "['192.0.2.1']", true)]
    [InlineData("192.0.2.2", "['192.0.2.1']", false)]
    [InlineData("192.0.2.1", "['192.0.2.1/32']", true)]
    [InlineData("203.0.113.9", "['0.0.0.0/0']", true)]
    [InlineData("255.255.255.255", "['0.0.0.0/0']", true)]
    [InlineData("10.0.0.200", "['10.0.0.128/25']", true)]
    [InlineData("10.0.0.127", "['10.0.0.128/25']", false)]
    [InlineData("10.0.0.1", "['10.0.0.99/24']", true)]
    [InlineData("10.0.0.1", "['192.168.0.0/16', '10.0.0.0/24']", true)]
    [InlineData("10.0.0.1", "[]", false)]
    // IPv6
    [InlineData("2001:db8::1", "['2001:db8::/32']", true)]
    [InlineData("2001:db9::1", "['2001:db8::/32']", false)]
    [InlineData("2001:DB8:0:0:0:0:0:1", "['2001:db8::/32']", true)]
    [InlineData("2001:db8::1", "['2001:db8::1/128']", true)]
    [InlineData("2001:db8::2", "['2001:db8::1/128']", false)]
    [InlineData("2001:db8::1", "['2001:db8::1']", true)]
    [InlineData("::1", "['::1/128']", true)]
    [InlineData("::", "['::/128']", true)]
    [InlineData("fe80::1", "['::/0']", true)]
    [InlineData("2001:db8:1:2:3:4:5:6", "['2001:db8:1::/48']", true)]
    [InlineData("2001:db8:2::", "['2001:db8:1::/48']", false)]
    [InlineData("1:2:3:4:5:6:7:8", "['1:2:3:4:5:6:7:8/127']", true)]
    [InlineData("1:2:3:4:5:6:7:9", "['1:2:3:4:5:6:7:8/127']", true)]
    [InlineData("1:2:3:4:5:6:7:a", "['1:2:3:4:5:6:7:8/127']", false)]
    [InlineData("1::", "['1::/16']", true)]
    [InlineData("1:0::8", "['1::8']", true)]
    // IPv4-mapped IPv6 addresses match IPv4 networks; bare IPv4 is not inside IPv6 networks
    [InlineData("::ffff:198.51.100.7", "['198.51.100.0/24']", true)]
    [InlineData("::ffff:c633:6407", "['198.51.100.0/24']", true)]
    [InlineData("::FFFF:10.0.0.1", "['0.0.0.0/0']", true)]
    [InlineData("::ffff:198.51.100.7", "['::ffff:0:0/96']", true)]
    [InlineData("198.51.100.7", "['::ffff:198.51.100.0/120']", false)]
    [InlineData("198.51.100.7", "['::/0']", false)]
    [InlineData("::198.51.100.7", "['198.51.100.0/24']", false)]
    [InlineData("2001:db8::1", "['0.0.0.0/0']", false)]
    [InlineData("64:ff9b::198.51.100.7", "['64:ff9b::/96']", true)]
    // mixed list
    [InlineData("2001:db8:ffff::1", "['198.51.100.0/24', '2001:db8::/32']", true)]
    [InlineData("198.51.100.1", "['198.51.100.0/24', '2001:db8::/32']", true)]
    public void IpIn_MatchesNetworks(string ip, string networks, bool expected)
    {
        var input = new InputBuilder { Ip = ip };
        Assert.Equal(CelValue.FromBool(expected), Compile($"ip_in(context.ip, {networks})").Evaluate(input.Build()));

        // Same answer through the runtime path (networks not known at load time).
        input.SubjectAttributes["nets"] = ParseList(networks);
        Assert.Equal(CelValue.FromBool(expected), Compile("ip_in(context.ip, subject.attributes.nets)").Evaluate(input.Build()));
    }

    [Theory]
    [InlineData("198.51.100.1", true)]
    [InlineData("2001:db8::42", true)]
    [InlineData("81.2.69.142", false)]
    public void IpIn_UsesPolicyList(string ip, bool expected)
    {
        var input = new InputBuilder { Ip = ip };
        Assert.Equal(expected, Compile("ip_in(context.ip, lists.office_networks)").Evaluate(input.Build()).AsBool);
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("01.2.3.4")]
    [InlineData("1.2.3.4 ")]
    [InlineData(" 1.2.3.4")]
    [InlineData("1..2.3")]
    [InlineData("1.2.3.-4")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1::2::3")]
    [InlineData(":1::")]
    [InlineData("1:")]
    [InlineData("12345::")]
    [InlineData("fe80::1%eth0")]
    [InlineData("[::1]")]
    [InlineData("::ffff:1.2.3")]
    [InlineData("::g")]
    [InlineData("1:2:3:4:5:6:7:1.2.3.4")]
    [InlineData("198.51.100.0/24")]
    public void IpIn_ReturnsError_WhenAddressIsInvalid(string ip)
    {
        var input = new InputBuilder { Ip = ip };
        var value = Compile("ip_in(context.ip, ['0.0.0.0/0', '::/0'])").Evaluate(input.Build());
        Assert.Equal(CelKind.Error, value.Kind);
        Assert.Equal($"invalid IP address '{ip}'", value.ErrorMessage);
    }

    [Fact]
    public void IpIn_ReturnsError_WhenAddressIsAbsentOrNotAString()
    {
        Assert.Equal("no such key: ip", Compile("ip_in(context.ip, ['10.0.0.0/8'])").Evaluate(new InputBuilder { Ip = null }.Build()).ErrorMessage);
        Assert.Equal("no such overload: ip_in(int)", Eval("ip_in(subject.attributes.count, ['10.0.0.0/8'])").ErrorMessage);
    }

    [Theory]
    [InlineData("ip_in(context.ip, ['10.0.0.0/33'])", 1, 20, "invalid CIDR '10.0.0.0/33': expected an address such as 10.0.0.0/8, 2001:db8::/32 or 192.0.2.1")]
    [InlineData("ip_in(context.ip, ['10.0.0.0/8', '2001:db8::/129'])", 1, 34, "invalid CIDR '2001:db8::/129': expected an address such as 10.0.0.0/8, 2001:db8::/32 or 192.0.2.1")]
    [InlineData("ip_in(context.ip, lists.broken_networks)", 1, 19, "invalid CIDR '10.0.0.0/33' in lists.broken_networks: expected an address such as 10.0.0.0/8, 2001:db8::/32 or 192.0.2.1")]
    [InlineData("ip_in(context.ip, [1])", 1, 19, "ip_in() expects a list of CIDR strings as its second argument, got list(int)")]
    [InlineData("ip_in(context.ip, ['10.0.0.0/8', 1])", 1, 34, "ip_in(): network 2 must be a CIDR string, not int")]
    [InlineData("ip_in(context.ip, '10.0.0.0/')", 1, 19, "invalid CIDR '10.0.0.0/': expected an address such as 10.0.0.0/8, 2001:db8::/32 or 192.0.2.1")]
    public void Compile_ReportsError_WhenConstantNetworkIsInvalid(string source, int line, int column, string message)
    {
        var error = Assert.Single(Errors(source));
        Assert.Equal((line, column, message), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void Compile_ReportsEveryInvalidNetwork()
    {
        var errors = Errors("ip_in(context.ip, ['10.0.0.0/08', 'x', '10.0.0.0/8', '::/-1'])");
        Assert.Equal([20, 35, 54], errors.Select(e => e.Column));
    }

    [Theory]
    [InlineData("ip_in('10.1.2.3', ['10.0.0.0/8'])", true)]
    [InlineData("ip_in('10.1.2.3', '10.0.0.0/8')", true)]
    [InlineData("ip_in('2001:db8::1', '10.0.0.0/8')", false)]
    public void IpIn_FoldsConstantArguments(string source, bool expected)
    {
        Assert.Equal(CelValue.FromBool(expected), Compile(source).ConstantValue);
    }

    [Fact]
    public void Compile_ReportsError_WhenConstantAddressIsInvalid()
    {
        var error = Assert.Single(Errors("ip_in('10.1.2', ['10.0.0.0/8'])"));
        Assert.Equal((1, 1, "invalid IP address '10.1.2'"), (error.Line, error.Column, error.Message));
    }

    [Fact]
    public void IpIn_ReturnsError_WhenRuntimeNetworkIsInvalid()
    {
        var input = new InputBuilder();
        input.SubjectAttributes["nets"] = L(S("10.0.0.0/8"), S("bogus"));
        Assert.Equal("invalid CIDR 'bogus'", Compile("ip_in(context.ip, subject.attributes.nets)").Evaluate(input.Build()).ErrorMessage);
        Assert.True(Compile("ip_in(context.ip, subject.attributes.networks)").Evaluate(input.Build()).AsBool);
    }

    private static CelValue ParseList(string literal)
    {
        var items = literal.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return CelValue.FromList(items.Select(i => CelValue.FromString(i.Trim('\''))).ToArray());
    }
}
