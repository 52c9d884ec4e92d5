using System.Data.Common;
using StepUp.Core.Audit;
using StepUp.Core.Monitoring;
using StepUp.Core.Policy;
using StepUp.Server.Factors;
using StepUp.Storage;

namespace StepUp.Server.Risk;

/// <summary>
/// With several nodes on one PostgreSQL (issue 7): follows the shared audit trail and feeds the
/// other nodes' failed verifications, step-up triggers and alerts into this node's detectors, so
/// windows (<c>risk.failures_1h</c>, <c>subject_failures</c>, <c>ip_failures</c>, the spikes)
/// count events from every node and an alert one node raised is not raised again by another.
/// Polls twice a second; starts at the head of the log.
/// </summary>
internal sealed partial class DetectorFeed(IAuditReader reader, LocalAuditAppender local, Detectors detectors, ILogger<DetectorFeed> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The event types the feed reads.</summary>
    public static bool Follows(string type) =>
        type is AuditEventTypes.ChallengeFailed or AuditEventTypes.ChallengeCreated or AuditEventTypes.AlertRaised;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long cursor;
        while (true)
        {
            try
            {
                cursor = (await reader.GetHeadAsync(stoppingToken)).Seq;
                break;
            }
            catch (Exception ex) when (ex is DbException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(PollInterval, stoppingToken);
            }
        }

        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await foreach (var evt in reader.ReadRangeAsync(cursor + 1, stoppingToken))
                    {
                        cursor = evt.Seq;
                        if (Follows(evt.Type) && !local.TakeLocal(evt.Id) && !evt.Erased)
                        {
                            Count(evt);
                        }
                    }

                    local.ForgetOld();
                }
                catch (Exception ex) when (ex is DbException or TimeoutException or AuditEventFormatException && !stoppingToken.IsCancellationRequested)
                {
                    LogReadFailed(logger, ex.GetType().Name, cursor);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Count(AuditEvent evt)
    {
        var payload = evt.Payload;
        var app = payload["app"]?.GetValue<string>();
        var subject = payload["subject"]?["id"]?.GetValue<string>();
        var ip = payload["context"]?["ip"]?.GetValue<string>();
        switch (evt.Type)
        {
            case AuditEventTypes.ChallengeFailed when app is not null && subject is not null:
                detectors.CountRemoteFailure(SubjectKey.For(app, subject), ip, evt.Time);
                break;
            case AuditEventTypes.ChallengeCreated:
                detectors.CountRemoteTrigger(evt.Time);
                break;
            case AuditEventTypes.AlertRaised:
                var detector = payload["alert"]?["detector"]?.GetValue<string>();
                var key = detector switch
                {
                    Detectors.IpFailures => ip,
                    Detectors.FailureSpike or Detectors.TriggerSpike => "all",
                    _ when app is not null && subject is not null => SubjectKey.For(app, subject),
                    _ => null,
                };
                if (detector is not null && key is not null && Durations.TryParse(payload["alert"]?["window"]?.GetValue<string>(), out var window))
                {
                    detectors.MarkRemoteAlert(detector, key, evt.Time, window);
                }

                break;
        }
    }

    [LoggerMessage(EventId = 511, Level = LogLevel.Warning, Message = "Reading other nodes' audit events for the detectors failed ({Error}) after seq {Seq}; retrying")]
    private static partial void LogReadFailed(ILogger logger, string error, long seq);
}
