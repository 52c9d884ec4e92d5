namespace StepUp.Server.Hosting;

/// <summary>What forward auth answers a browser (<c>Accept: text/html</c>) that must step up.</summary>
public enum ForwardAuthBrowserMode
{
    /// <summary>401 with <c>Location</c> of the hosted challenge (nginx: <c>error_page 401</c> turns it into a redirect).</summary>
    Unauthorized,

    /// <summary>302 to the hosted challenge (proxies that pass the answer through, such as Traefik).</summary>
    Redirect,
}

/// <summary><c>StepUp:ForwardAuth</c>: <c>GET /v1/forward-auth</c> for reverse proxies (SPEC §6, docs/integration-forward-auth.md).</summary>
public sealed class ForwardAuthOptions
{
    /// <summary>Shared secret the proxy sends in <c>X-StepUp-Forward-Secret</c>; unset disables the endpoint (404).</summary>
    public string? Secret { get; set; }

    /// <summary>Header with the signed-in user, set by the authentication layer in front (oauth2-proxy, Authelia).</summary>
    public string SubjectHeader { get; set; } = "X-Forwarded-User";

    /// <summary>Cookie holding the app's session; read before <see cref="SessionHeader"/> when set.</summary>
    public string? SessionCookie { get; set; }

    /// <summary>Header holding the session, used when <see cref="SessionCookie"/> is unset or absent.</summary>
    public string SessionHeader { get; set; } = "X-Forwarded-Session";

    /// <summary>Optional cookie with a device id for <c>context.device_id</c>.</summary>
    public string? DeviceCookie { get; set; }

    /// <summary>Answer for browsers that must step up: <c>unauthorized</c> (401 + Location, default) or <c>redirect</c> (302).</summary>
    public ForwardAuthBrowserMode BrowserMode { get; set; } = ForwardAuthBrowserMode.Unauthorized;

    /// <summary>The app that forward-auth decisions, challenges and elevations belong to.</summary>
    public string App { get; set; } = "forward-auth";
}
