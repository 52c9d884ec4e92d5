using System.Text.Json.Nodes;

namespace StepUp.Core.Audit.Export;

/// <summary>
/// What one export did, recorded as an <c>audit.exported</c> event once the export ends: the format,
/// the filters, how many events left and which seqs, and whether it ran to the end.
/// </summary>
public sealed record AuditExportSummary
{
    /// <summary>The format written.</summary>
    public required AuditExportFormat Format { get; init; }

    /// <summary>The filters applied, by parameter name (<c>since</c>, <c>until</c>, <c>app</c>, <c>subject</c>, …), as given.</summary>
    public IReadOnlyDictionary<string, string> Filters { get; init; } = new Dictionary<string, string>();

    /// <summary>Events written.</summary>
    public long Count { get; init; }

    /// <summary>Seq of the first event written; null when none was.</summary>
    public long? FirstSeq { get; init; }

    /// <summary>Seq of the last event written; null when none was.</summary>
    public long? LastSeq { get; init; }

    /// <summary>True when every matching event was written; false when the export stopped early (see <see cref="Reason"/>).</summary>
    public bool Completed { get; init; } = true;

    /// <summary>Why the export stopped early (e.g. <c>client_disconnected</c>, <c>unreadable_event</c>).</summary>
    public string? Reason { get; init; }

    /// <summary>The <c>audit.exported</c> event.</summary>
    /// <param name="app">The app of the caller (the event's <c>app</c>), or null for the CLI.</param>
    /// <param name="actor">Who exported: <c>{ key_id, app }</c> over HTTP, <c>{ tool }</c> from the CLI.</param>
    /// <param name="destination">Where the export went (<c>http</c>, <c>file</c>, <c>stdout</c>).</param>
    public AuditEventDraft ToAuditDraft(string? app, JsonObject actor, string destination)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var filters = new JsonObject();
        foreach (var (name, value) in Filters.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            filters[name] = value;
        }

        var export = new JsonObject
        {
            ["format"] = Format.Name(),
            ["destination"] = destination,
            ["filters"] = filters,
            ["count"] = Count,
            ["first_seq"] = FirstSeq,
            ["last_seq"] = LastSeq,
            ["completed"] = Completed,
        };
        return new AuditEventDraft
        {
            Type = AuditEventTypes.AuditExported,
            Payload = new JsonObject
            {
                ["outcome"] = Completed ? "success" : "failure",
                ["severity"] = Completed ? "info" : "low",
                ["app"] = app,
                ["actor"] = actor,
                ["export"] = export,
                ["reason"] = Reason,
            },
        };
    }
}
