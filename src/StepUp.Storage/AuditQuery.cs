namespace StepUp.Storage;

/// <summary>
/// Filters of <c>GET /v1/audit/events</c>. Every filter is an exact match; null means "any".
/// Time bounds are <c>Since ≤ time &lt; Until</c>.
/// </summary>
public sealed record AuditQuery
{
    /// <summary>Default page size.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Event type, e.g. <c>decision.evaluated</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Subject id (<c>subject.id</c>).</summary>
    public string? Subject { get; init; }

    /// <summary>Session id (<c>subject.session_id</c>).</summary>
    public string? Session { get; init; }

    /// <summary>Action name.</summary>
    public string? Action { get; init; }

    /// <summary>Outcome, e.g. <c>success</c> or <c>failure</c>.</summary>
    public string? Outcome { get; init; }

    /// <summary>Client IP (<c>context.ip</c>), as the app sent it.</summary>
    public string? Ip { get; init; }

    /// <summary>Calling app.</summary>
    public string? App { get; init; }

    /// <summary>Earliest event time (inclusive).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Latest event time (exclusive).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Page size, 1..1000.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>The <see cref="AuditPage.NextCursor"/> of the previous page, or null for the newest events.</summary>
    public string? Cursor { get; init; }
}
