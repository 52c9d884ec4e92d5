using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace StepUp.AspNetCore;

/// <summary>
/// How the app reaches StepUp and reads the user, session and client from a request. Checked at
/// start-up; every problem is reported at once.
/// </summary>
public sealed class StepUpOptions
{
    /// <summary>Base URL of the StepUp server, e.g. <c>http://localhost:8080</c> (required).</summary>
    public Uri? Authority { get; set; }

    /// <summary>An API key of this app with the <c>decisions</c> scope (required). Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The app the API key belongs to: elevation tokens must carry it as <c>aud</c>. Default <c>default</c>.</summary>
    public string App { get; set; } = "default";

    /// <summary>
    /// The <c>iss</c> elevation tokens must carry: StepUp's <c>StepUp:PublicUrl</c> without a trailing
    /// slash, or <c>stepup</c> (the default) when StepUp has none configured.
    /// </summary>
    public string Issuer { get; set; } = "stepup";

    /// <summary>How long a decision (or JWKS fetch) may take before StepUp counts as unreachable. Default 2 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When StepUp is unreachable, answers 5xx or times out: <c>false</c> (default) answers 503 and
    /// the endpoint does not run; <c>true</c> runs the endpoint and logs a warning.
    /// </summary>
    public bool FailOpen { get; set; }

    /// <summary>The claim holding the subject id. Default <see cref="ClaimTypes.NameIdentifier"/>; <c>sub</c> is tried next.</summary>
    public string SubjectClaim { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>
    /// The claim holding an opaque session id (default <c>sid</c>). Without it the session id is a
    /// SHA-256 digest of the request's credential: the bearer token (never a Basic header), else the
    /// authentication cookie (<see cref="SessionCookieName"/>).
    /// </summary>
    public string SessionClaim { get; set; } = "sid";

    /// <summary>
    /// The authentication cookie hashed into a session id when there is no <see cref="SessionClaim"/>.
    /// Default: <c>.AspNetCore.Identity.Application</c>, then <c>.AspNetCore.Cookies</c>.
    /// </summary>
    public string? SessionCookieName { get; set; }

    /// <summary>
    /// Reverse proxies (IP addresses or CIDRs) whose <c>X-Forwarded-For</c> is believed. Empty (default):
    /// the client address is the connection's.
    /// </summary>
    public IList<string> TrustedProxies { get; } = new List<string>();

    /// <summary>
    /// The random device cookie (HttpOnly, SameSite=Lax, Secure on HTTPS, 400 days) whose digest is
    /// sent as <c>context.device_id</c>. Default <c>stepup_device</c>; null or empty sends no device id.
    /// </summary>
    public string? DeviceCookieName { get; set; } = "stepup_device";

    /// <summary>How long the JWKS is cached before it is fetched again. Default 10 min.</summary>
    public TimeSpan JwksCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Tolerance for the clocks of StepUp and this app when checking a token's <c>exp</c> locally. Default 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Optional <c>subject.attributes</c> for policy conditions (e.g. <c>frozen</c>, <c>role</c>), read from the request.</summary>
    public Func<HttpContext, IReadOnlyDictionary<string, object?>?>? SubjectAttributes { get; set; }
}
