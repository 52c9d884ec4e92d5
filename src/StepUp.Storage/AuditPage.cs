using StepUp.Core.Audit;

namespace StepUp.Storage;

/// <summary>One page of audit events, newest first.</summary>
/// <param name="Events">The events.</param>
/// <param name="NextCursor">Opaque cursor of the next (older) page; null on the last page.</param>
public sealed record AuditPage(IReadOnlyList<AuditEvent> Events, string? NextCursor);
