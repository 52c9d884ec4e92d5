namespace StepUp.Server.Pages;

/// <summary>What the hosted challenge page does when the browser is in another country than the request (SPEC §3).</summary>
public enum RelayCheckMode
{
    /// <summary>Refuse the page's calls (403) and audit <c>stepup.challenge.relay_suspected</c>.</summary>
    Refuse,

    /// <summary>Audit <c>stepup.challenge.relay_suspected</c> and let the user go on.</summary>
    Audit,

    /// <summary>No check.</summary>
    Off,
}

/// <summary><c>StepUp:Pages</c>: options of the hosted challenge and enrolment pages.</summary>
public sealed class HostedPageOptions
{
    public const string Section = "StepUp:Pages";

    /// <summary>The relay check: <c>refuse</c> (default), <c>audit</c> or <c>off</c>.</summary>
    public RelayCheckMode RelayCheck { get; set; } = RelayCheckMode.Refuse;
}
