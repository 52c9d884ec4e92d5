using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using StepUp.Server.Hosting;
using StepUp.Storage;
using StepUp.Storage.Retention;

namespace StepUp.Server.Audit.Retention;

/// <summary>
/// Erases payloads past their retention (per type, default 400 days), keeping envelopes so the
/// chain verifies. Skipped entirely under a legal hold on everything; held subjects are skipped.
/// Every run that erased something is audited (<c>audit.erased</c>, reason <c>retention</c>).
/// </summary>
internal sealed partial class RetentionService(
    IAuditRetention retention,
    IAuditAppender audit,
    IOptions<StepUpServerOptions> options,
    TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Audit.Retention;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                LogFailed(ex);
            }

            await Task.Delay(settings.Interval, time, stoppingToken);
        }
    }

    /// <summary>One pass over every configured type, then everything else with the default.</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Audit.Retention;
        var now = time.GetUtcNow();
        long total = 0;
        foreach (var (type, keep) in settings.Types)
        {
            total += await EraseAsync(type, [], now - keep, cancellationToken);
        }

        total += await EraseAsync(null, settings.Types.Keys, now - settings.Default, cancellationToken);
        return total;
    }

    private async Task<long> EraseAsync(string? type, IReadOnlyCollection<string> except, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var count = await retention.EraseOlderThanAsync(type, except, before, cancellationToken);
        if (count > 0)
        {
            LogErased(count, type ?? "*", before);
            var actor = new JsonObject { ["service"] = "retention" };
            await audit.AppendAsync(RetentionEvents.Erased("retention", count, actor, type: type, before: before), cancellationToken);
        }

        return count;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Retention erased {Count} payloads of type {Type} older than {Before}")]
    private partial void LogErased(long count, string type, DateTimeOffset before);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Retention run failed; it runs again at the next interval")]
    private partial void LogFailed(Exception exception);
}
