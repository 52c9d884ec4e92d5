namespace StepUp.Core.GeoIp;

/// <summary>
/// What StepUp reads from an ASN database record: <c>autonomous_system_number</c> and
/// <c>autonomous_system_organization</c>. A field the record lacks is null.
/// </summary>
public readonly record struct GeoIpAsn(uint? Number, string? Organization);
