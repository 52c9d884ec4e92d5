using StepUp.Core.Audit;

namespace StepUp.Server.Audit.Sinks;

/// <summary>Sends a batch of events to one receiver. Expected failures (refused, timeout, non-2xx) are results, not exceptions.</summary>
internal interface IAuditSinkTransport : IAsyncDisposable
{
    /// <summary>Delivers <paramref name="events"/> (oldest first, at least one) in one attempt.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (shutdown).</exception>
    Task<SinkDeliveryResult> DeliverAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);
}

/// <summary>The outcome of one delivery attempt; <see cref="Error"/> is short and never holds a secret.</summary>
internal readonly record struct SinkDeliveryResult(bool Delivered, string? Error)
{
    public static SinkDeliveryResult Ok { get; } = new(true, null);

    public static SinkDeliveryResult Failed(string error) => new(false, error);
}
