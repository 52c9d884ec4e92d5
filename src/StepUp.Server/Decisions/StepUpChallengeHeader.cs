using System.Globalization;

namespace StepUp.Server.Decisions;

/// <summary>
/// The RFC 9470 <c>WWW-Authenticate</c> challenge: <c>acr_values</c> space-separated, <c>max_age</c>
/// quoted as in the RFC's examples, and an <c>error_description</c> of RFC 6750-legal characters only.
/// </summary>
internal static class StepUpChallengeHeader
{
    public static string Format(string acrValues, long maxAgeSeconds) => string.Create(
        CultureInfo.InvariantCulture,
        $"Bearer error=\"insufficient_user_authentication\", error_description=\"A different authentication level is required\", acr_values=\"{acrValues}\", max_age=\"{maxAgeSeconds}\"");
}
