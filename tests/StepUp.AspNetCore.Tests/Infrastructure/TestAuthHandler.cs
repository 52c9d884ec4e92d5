using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>
/// The test app's own login: the user is whoever <c>X-Test-User</c> names, in session
/// <c>X-Test-Session</c>, with <c>X-Test-Amr</c> (comma-separated) and <c>X-Test-Frozen</c>. No
/// <c>X-Test-User</c> → not signed in, and the challenge answers 401 with <c>WWW-Authenticate: Test</c>.
/// </summary>
public sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers["X-Test-User"].ToString();
        if (user.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user) };
        var session = Request.Headers["X-Test-Session"].ToString();
        if (session.Length > 0)
        {
            claims.Add(new Claim("sid", session));
        }

        foreach (var amr in Request.Headers["X-Test-Amr"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            claims.Add(new Claim("amr", amr));
        }

        if (Request.Headers["X-Test-Frozen"] == "true")
        {
            claims.Add(new Claim("frozen", "true"));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = SchemeName;
        return Task.CompletedTask;
    }
}
