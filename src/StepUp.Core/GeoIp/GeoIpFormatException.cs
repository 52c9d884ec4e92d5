namespace StepUp.Core.GeoIp;

/// <summary>
/// A MaxMind DB file that is not well formed: bad metadata, a search tree that does not fit the
/// file, or data that breaks the format or a safety bound. <see cref="GeoIpDatabase.Open"/> and
/// <see cref="GeoIpDatabase.FromBytes"/> throw it; lookups report it as
/// <see cref="GeoIpStatus.Corrupt"/> instead.
/// </summary>
public sealed class GeoIpFormatException : FormatException
{
    public GeoIpFormatException()
    {
    }

    public GeoIpFormatException(string message)
        : base(message)
    {
    }

    public GeoIpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
