using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StepUp.AspNetCore.Requests;

/// <summary>The networks of <see cref="StepUpOptions.TrustedProxies"/>: addresses or CIDRs, IPv4 and IPv6.</summary>
internal sealed class ProxyNetworks
{
    private readonly IPNetwork[] _networks;

    private ProxyNetworks(IPNetwork[] networks) => _networks = networks;

    public bool IsEmpty => _networks.Length == 0;

    /// <summary>Parses every entry and names each bad one in <paramref name="errors"/>.</summary>
    public static ProxyNetworks Parse(IEnumerable<string> entries, List<string> errors)
    {
        var networks = new List<IPNetwork>();
        var index = 0;
        foreach (var entry in entries)
        {
            if (TryParse(entry?.Trim(), out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"StepUp: TrustedProxies[{index}] '{entry}' is not an IP address or CIDR (10.0.0.0/8, 2001:db8::/32)"));
            }

            index++;
        }

        return new ProxyNetworks([.. networks]);
    }

    /// <summary>True when <paramref name="address"/> (IPv4-mapped IPv6 included) is in a trusted network.</summary>
    public bool Contains(IPAddress address)
    {
        var normal = Normalize(address);
        foreach (var network in _networks)
        {
            if (network.Contains(normal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>IPv4-mapped IPv6 (<c>::ffff:10.0.0.1</c>, as dual-stack sockets report) as plain IPv4.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (!text.Contains('/', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(text, out var address) || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
            {
                return false;
            }

            address = Normalize(address);
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(text, out network);
    }
}
