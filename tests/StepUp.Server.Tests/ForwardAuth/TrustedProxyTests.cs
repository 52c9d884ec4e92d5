using System.Net;
using Microsoft.Extensions.Primitives;
using StepUp.Server.ForwardAuth;
using StepUp.Server.Hosting;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>StepUp:TrustedProxies parsing and matching, and the client address from X-Forwarded-For.</summary>
public class TrustedProxyTests
{
    private static TrustedProxySet Parse(params string[] entries)
    {
        var errors = new List<string>();
        var set = TrustedProxySet.Parse(entries, errors);
        Assert.Empty(errors);
        return set;
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1", true)]
    [InlineData("127.0.0.1", "127.0.0.2", false)]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.1.2.3/8", "10.9.9.9", true)]
    [InlineData("192.168.1.0/23", "192.168.0.7", true)]
    [InlineData("192.168.1.0/23", "192.168.2.7", false)]
    [InlineData("172.16.0.0/12", "172.31.255.255", true)]
    [InlineData("172.16.0.0/12", "172.32.0.1", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("::1", "::1", true)]
    [InlineData("::1", "127.0.0.1", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("::/0", "127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.0/104", "10.1.1.1", true)]
    [InlineData("::ffff:10.0.0.0/104", "::ffff:10.1.1.1", true)]
    [InlineData("::ffff:10.0.0.0/104", "11.1.1.1", false)]
    public void Contains_MatchesAddressesAndCidrs(string network, string address, bool expected) =>
        Assert.Equal(expected, Parse(network).Contains(IPAddress.Parse(address)));

    [Fact]
    public void Contains_NullPeer_IsNeverTrusted() => Assert.False(Parse("0.0.0.0/0", "::/0").Contains(null));

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("10.0.0.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/08")]
    [InlineData("10.1")]
    [InlineData("010.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("fe80::1%eth0")]
    [InlineData("::ffff:10.0.0.0/95")]
    public void Parse_NamesEveryBadEntry(string entry)
    {
        var errors = new List<string>();
        TrustedProxySet.Parse(["127.0.0.1", entry, "::1"], errors);
        var error = Assert.Single(errors);
        Assert.StartsWith("StepUp:TrustedProxies:1:", error, StringComparison.Ordinal);
    }

    private static readonly TrustedProxySet Proxies = Parse("10.0.0.0/8", "127.0.0.1", "2001:db8:1::/48");

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("203.0.113.7, 10.0.0.2", "203.0.113.7")]
    [InlineData("198.51.100.1, 203.0.113.7, 10.0.0.2, 127.0.0.1", "203.0.113.7")] // left of the first untrusted is the client's claim
    [InlineData("6.6.6.6,203.0.113.7", "203.0.113.7")]
    [InlineData("10.0.0.5, 10.0.0.2", "10.0.0.5")] // all trusted: the origin is the leftmost
    [InlineData("203.0.113.7:51234", "203.0.113.7")]
    [InlineData("[2001:db8:2::9]:443, 2001:db8:1::1", "2001:db8:2::9")]
    [InlineData("2001:db8:2::9", "2001:db8:2::9")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("unknown, 10.0.0.2", null)]
    [InlineData("203.0.113.7, garbage", null)]
    [InlineData("", null)]
    [InlineData(" , ", null)]
    [InlineData("1.2.3", null)]
    [InlineData("[2001:db8::1", null)]
    [InlineData("203.0.113.7:99999", null)]
    public void ClientAddress_IsTheRightmostUntrustedEntry(string header, string? expected)
    {
        var client = ForwardedFor.ClientAddress(new StringValues(header), Proxies);
        Assert.Equal(expected, client?.ToString());
    }

    [Fact]
    public void ClientAddress_ReadsRepeatedHeadersInOrder()
    {
        var client = ForwardedFor.ClientAddress(new StringValues(["198.51.100.1", "203.0.113.7, 10.0.0.2"]), Proxies);
        Assert.Equal("203.0.113.7", client?.ToString());
        Assert.Null(ForwardedFor.ClientAddress(StringValues.Empty, Proxies));
    }
}
