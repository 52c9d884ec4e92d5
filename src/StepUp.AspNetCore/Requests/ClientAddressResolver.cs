using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace StepUp.AspNetCore.Requests;

/// <summary>
/// The client's IP address for <c>context.ip</c>: the connection's peer, unless that peer is a
/// trusted proxy, in which case <c>X-Forwarded-For</c> is walked from the right and the first hop
/// that is not a trusted proxy is the client (hops left of it could be forged by the client).
/// </summary>
internal sealed class ClientAddressResolver(IOptions<StepUpOptions> options)
{
    private const string ForwardedFor = "X-Forwarded-For";

    private readonly ProxyNetworks _trusted = ProxyNetworks.Parse(options.Value.TrustedProxies, []);

    public IPAddress? Resolve(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var peer = http.Connection.RemoteIpAddress;
        return peer is null ? null : Resolve(ProxyNetworks.Normalize(peer), http.Request.Headers[ForwardedFor]);
    }

    internal IPAddress Resolve(IPAddress peer, StringValues forwardedFor)
    {
        var client = ProxyNetworks.Normalize(peer);
        if (_trusted.IsEmpty || forwardedFor.Count == 0)
        {
            return client;
        }

        // Several X-Forwarded-For headers are one list, in order (RFC 9110 §5.3).
        var hops = string.Join(',', forwardedFor.ToArray()).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = hops.Length - 1; i >= 0 && _trusted.Contains(client); i--)
        {
            if (!TryParseHop(hops[i], out var hop))
            {
                // A hop nobody can read: stop at the last address a trusted proxy vouched for.
                break;
            }

            client = hop;
        }

        return client;
    }

    private static bool TryParseHop(string text, out IPAddress address)
    {
        if (IPAddress.TryParse(text, out var parsed) || (IPEndPoint.TryParse(text, out var endpoint) && (parsed = endpoint.Address) is not null))
        {
            address = ProxyNetworks.Normalize(parsed);
            return true;
        }

        address = IPAddress.None;
        return false;
    }
}
