using StepUp.Server.Security;

namespace StepUp.Server.Admin;

/// <summary>
/// One signed-in admin: the API key it signed in with (as a caller), the admin's own subject, the
/// CSRF token of its forms. <see cref="Id"/> is the session id StepUp decides on for the admin's
/// step-ups; the cookie holds a different secret that is only stored hashed.
/// </summary>
internal sealed class AdminSession(string id, ApiCaller caller, byte[] keyDigest, string subject, string csrf, DateTimeOffset createdAt)
{
    private long _lastSeenTicks = createdAt.UtcTicks;
    private volatile bool _ended;

    public string Id { get; } = id;

    public ApiCaller Caller { get; } = caller;

    /// <summary>The SHA-256 of the key signed in with (never the key): each request checks it is still valid.</summary>
    public byte[] KeyDigest { get; } = keyDigest;

    public string Subject { get; } = subject;

    public string Csrf { get; } = csrf;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset LastSeen => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);

    /// <summary>Where to go back after the step-up page returns (a local /admin path).</summary>
    public string? ReturnPath { get; set; }

    /// <summary>What pages show of the session (public, for the Razor components).</summary>
    public AdminIdentity Identity => new(Subject, Caller.KeyId, Csrf);

    /// <summary>Signed out, expired or dropped: a live stream of this session stops.</summary>
    public bool Ended => _ended;

    public void End() => _ended = true;

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastSeenTicks, now.UtcTicks);
}

/// <summary>The signed-in admin as pages show it: subject, key id, and the CSRF token for forms.</summary>
public sealed record AdminIdentity(string Subject, string KeyId, string Csrf);
