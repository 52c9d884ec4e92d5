namespace StepUp.Core.Monitoring;

/// <summary>Device classes for metrics and dashboard counters: three coarse buckets, never the user agent itself.</summary>
public static class DeviceClass
{
    private static readonly string[] MobileMarkers = ["Mobi", "Android", "iPhone", "iPad", "iPod", "Windows Phone", "BlackBerry", "BB10", "Opera Mini", "KAIOS"];
    private static readonly string[] DesktopMarkers = ["Windows NT", "Macintosh", "X11", "CrOS", "Linux"];

    /// <summary>
    /// <c>mobile</c> (phones and tablets: Mobi, Android, iPhone, iPad…), <c>desktop</c> (Windows NT,
    /// Macintosh, X11, CrOS, Linux without Android), else <c>other</c> (missing, bots, scripts).
    /// </summary>
    public static string Of(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent))
        {
            return "other";
        }

        // Mobile first: Android user agents also say "Linux".
        foreach (var marker in MobileMarkers)
        {
            if (userAgent.Contains(marker, StringComparison.Ordinal))
            {
                return "mobile";
            }
        }

        foreach (var marker in DesktopMarkers)
        {
            if (userAgent.Contains(marker, StringComparison.Ordinal))
            {
                return "desktop";
            }
        }

        return "other";
    }
}
