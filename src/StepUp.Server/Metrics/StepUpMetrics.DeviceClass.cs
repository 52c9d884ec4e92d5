namespace StepUp.Server.Metrics;

// Device classes for the challenge metrics: three coarse buckets, never the user agent itself.
internal sealed partial class StepUpMetrics
{
    private static readonly string[] MobileMarkers = ["Mobi", "Android", "iPhone", "iPad", "iPod", "Windows Phone", "BlackBerry", "BB10", "Opera Mini", "KAIOS"];
    private static readonly string[] DesktopMarkers = ["Windows NT", "Macintosh", "X11", "CrOS", "Linux"];

    /// <summary>
    /// <c>mobile</c> (phones and tablets: Mobi, Android, iPhone, iPad…), <c>desktop</c> (Windows NT,
    /// Macintosh, X11, CrOS, Linux without Android), else <c>other</c> (missing, bots, scripts).
    /// </summary>
    public static string DeviceClass(string? userAgent)
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
