namespace StepUp.Core.GeoIp;

/// <summary>
/// The flags of an Anonymous-IP database record (<c>is_anonymous</c>, <c>is_anonymous_vpn</c>,
/// <c>is_hosting_provider</c>, <c>is_public_proxy</c>, <c>is_tor_exit_node</c>,
/// <c>is_residential_proxy</c>). A flag the record lacks is false.
/// </summary>
public readonly record struct GeoIpAnonymousIp(
    bool IsAnonymous,
    bool IsAnonymousVpn,
    bool IsHostingProvider,
    bool IsPublicProxy,
    bool IsTorExitNode,
    bool IsResidentialProxy);
