using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StepUp.Core.Security;
using StepUp.Server.Hosting;
using StepUp.Server.Security;

namespace StepUp.Server.Admin;

/// <summary>
/// Dashboard sessions, in memory on this node: the cookie carries 32 random bytes, the store keeps
/// only their SHA-256. Sessions end after <see cref="AdminOptions.IdleTimeout"/> without a request,
/// after <see cref="AdminOptions.MaxAge"/>, on sign-out, and when the node restarts.
/// </summary>
internal sealed class AdminSessions(IOptions<StepUpServerOptions> options, TimeProvider time)
{
    public const string CookieName = "stepup_admin";
    public const string LoginCsrfCookie = "stepup_admin_login";
    private const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, AdminSession> _sessions = new(StringComparer.Ordinal);
    private readonly AdminOptions _options = options.Value.Admin;
    private readonly bool _publicUrlIsHttps = options.Value.PublicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Creates a session; returns the cookie value (shown once, never stored).</summary>
    public (AdminSession Session, string Cookie) Create(ApiCaller caller, byte[] keyDigest, string subject)
    {
        Sweep();
        var cookie = RandomTokens.UrlSafe(32);
        var session = new AdminSession("adm_" + RandomTokens.UrlSafe(18), caller, keyDigest, subject, RandomTokens.UrlSafe(32), time.GetUtcNow());
        _sessions[Digest(cookie)] = session;
        return (session, cookie);
    }

    /// <summary>The live session of <paramref name="cookie"/>, touched; null when unknown, idle too long or too old.</summary>
    public AdminSession? Find(string? cookie)
    {
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 128 || !_sessions.TryGetValue(Digest(cookie), out var session))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now - session.LastSeen > _options.IdleTimeout || now - session.CreatedAt > _options.MaxAge)
        {
            Remove(cookie);
            return null;
        }

        session.Touch(now);
        return session;
    }

    public void Remove(string? cookie)
    {
        if (!string.IsNullOrEmpty(cookie) && _sessions.TryRemove(Digest(cookie), out var session))
        {
            session.End();
        }
    }

    /// <summary>The scopes a dashboard key needs: the dashboard shows the audit trail and factors and changes lockouts.</summary>
    public static readonly string[] RequiredScopes = [ApiKeyScopes.Admin, ApiKeyScopes.AuditRead, ApiKeyScopes.Factors];

    /// <summary>
    /// Whether <paramref name="caller"/> may use the dashboard: an operator key (app <c>default</c>;
    /// the dashboard shows every app) holding <see cref="RequiredScopes"/>.
    /// </summary>
    public static bool MayUse([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] ApiCaller? caller) =>
        caller is not null && caller.App == ApiKeyAuthenticator.DefaultApp && RequiredScopes.All(caller.Has);

    /// <summary>Whether <paramref name="session"/> is still live, without counting this as activity.</summary>
    public bool IsLive(AdminSession session)
    {
        var now = time.GetUtcNow();
        return !session.Ended && now - session.LastSeen <= _options.IdleTimeout && now - session.CreatedAt <= _options.MaxAge;
    }

    /// <summary>Constant-time comparison of a submitted CSRF token with the expected one.</summary>
    public static bool SameToken(string? submitted, string expected) =>
        submitted is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(submitted), Encoding.UTF8.GetBytes(expected));

    /// <summary>HttpOnly, SameSite=Strict, path /admin; Secure on HTTPS or when <c>StepUp:PublicUrl</c> is https (TLS ends at a proxy).</summary>
    public CookieOptions CookieOptions(HttpRequest request) => new()
    {
        HttpOnly = true,
        Secure = request.IsHttps || _publicUrlIsHttps,
        SameSite = SameSiteMode.Strict,
        Path = "/admin",
        IsEssential = true,
    };

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (key, session) in _sessions)
        {
            if (now - session.LastSeen > _options.IdleTimeout || now - session.CreatedAt > _options.MaxAge)
            {
                _sessions.TryRemove(key, out _);
                session.End();
            }
        }

        if (_sessions.Count >= MaxSessions)
        {
            // Bounded: drop the least recently used half rather than grow without limit.
            foreach (var (key, session) in _sessions.OrderBy(p => p.Value.LastSeen).Take(_sessions.Count / 2))
            {
                _sessions.TryRemove(key, out _);
                session.End();
            }
        }
    }

    private static string Digest(string cookie) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(cookie)));
}
