using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using StepUp.AspNetCore.Requests;

namespace StepUp.AspNetCore.Tests.Requests;

public sealed class ClientAddressResolverTests
{
    private static IPAddress Resolve(string[] trusted, string peer, params string[] forwardedFor)
    {
        var options = new StepUpOptions();
        foreach (var proxy in trusted)
        {
            options.TrustedProxies.Add(proxy);
        }

        return new ClientAddressResolver(Options.Create(options)).Resolve(IPAddress.Parse(peer), new StringValues(forwardedFor));
    }

    [Theory]
    [InlineData(new string[0], "203.0.113.5", "81.2.69.142", "203.0.113.5")] // no trusted proxy: header ignored
    [InlineData(new[] { "10.0.0.0/8" }, "203.0.113.5", "81.2.69.142", "203.0.113.5")] // peer not trusted: header ignored
    [InlineData(new[] { "10.0.0.0/8" }, "10.1.2.3", "81.2.69.142", "81.2.69.142")]
    [InlineData(new[] { "10.0.0.0/8" }, "10.1.2.3", "6.6.6.6, 81.2.69.142", "81.2.69.142")] // rightmost untrusted hop, not the forgeable left one
    [InlineData(new[] { "10.0.0.0/8", "192.0.2.7" }, "10.1.2.3", "6.6.6.6, 81.2.69.142, 192.0.2.7", "81.2.69.142")] // two trusted proxies
    [InlineData(new[] { "10.0.0.0/8" }, "10.1.2.3", "10.9.9.9, 10.8.8.8", "10.9.9.9")] // every hop trusted: the leftmost
    [InlineData(new[] { "10.0.0.0/8" }, "10.1.2.3", "81.2.69.142, garbage", "10.1.2.3")] // unreadable hop: stop at the last vouched address
    [InlineData(new[] { "10.0.0.0/8" }, "::ffff:10.1.2.3", "81.2.69.142:51000", "81.2.69.142")] // IPv4-mapped peer, hop with a port
    [InlineData(new[] { "2001:db8::/32" }, "2001:db8::1", "[2a02:d2c0::1]:443", "2a02:d2c0::1")]
    public void Resolve_TakesTheRightmostUntrustedHop_OnlyBehindTrustedProxies(string[] trusted, string peer, string forwardedFor, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), Resolve(trusted, peer, forwardedFor));
    }

    [Fact]
    public void Resolve_ReadsSeveralHeadersAsOneList()
    {
        Assert.Equal(IPAddress.Parse("81.2.69.142"), Resolve(["10.0.0.0/8"], "10.0.0.1", "6.6.6.6", "81.2.69.142"));
    }
}
