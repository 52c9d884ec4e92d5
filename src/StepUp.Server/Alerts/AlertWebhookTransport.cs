using StepUp.Core.Audit;
using StepUp.Core.Audit.Sinks;
using StepUp.Server.Audit.Sinks;
using StepUp.Storage;

namespace StepUp.Server.Alerts;

/// <summary>
/// POSTs one <c>alert.raised</c> event (the event itself as the JSON body, signed as SPEC §5 says)
/// and audits each attempt as <c>alert.delivery</c> with its attempt number and error.
/// </summary>
internal sealed class AlertWebhookTransport(SinkDefinition sink, TimeProvider clock, IAuditAppender audit, Metrics.StepUpMetrics metrics) : IAuditSinkTransport
{
    private readonly WebhookSinkTransport _webhook = new(sink, clock, events => WebhookBody.CreateSingle(events[0]));
    private long _seq;
    private int _attempt;

    public async Task<SinkDeliveryResult> DeliverAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var alert = events[0];
        _attempt = alert.Seq == _seq ? _attempt + 1 : 1;
        _seq = alert.Seq;
        var result = await _webhook.DeliverAsync(events, cancellationToken);
        await audit.AppendAsync(AlertEvents.Delivery(alert, sink.Name, _attempt, result.Error), cancellationToken);
        metrics.AlertDelivered(result.Delivered ? "success" : "failure");
        return result;
    }

    public ValueTask DisposeAsync() => _webhook.DisposeAsync();
}
