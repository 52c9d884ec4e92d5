using StepUp.Core.Audit;

namespace StepUp.Core.Policy.Simulation;

/// <summary>
/// Replays a candidate policy over stored <c>decision.evaluated</c> events (SPEC §4.5) and reports
/// what would change. Each event is rebuilt from its stored <c>input</c>, <c>context.geo</c> and
/// risk values with <c>now()</c> = its <c>time</c>, evaluated with the candidate, and compared with
/// the policy effect it stored. Events stream through one at a time; an event that cannot be
/// rebuilt is counted as skipped, never thrown. The caller chooses the events (type, app, window).
/// </summary>
public sealed class PolicySimulator
{
    /// <summary>The <c>by_action</c> entry that pools actions beyond <see cref="PolicySimulationOptions.MaxActions"/>.</summary>
    public const string OtherActions = "(other actions)";

    /// <summary>Events read from the store ahead of the replay (on another core): batches of this many…</summary>
    private const int ReadAheadBatch = 256;

    /// <summary>…and at most this many batches waiting (bounds the memory the read-ahead takes).</summary>
    private const int ReadAheadBatches = 4;

    private readonly CompiledPolicy _candidate;
    private readonly PolicySimulationOptions _options;

    public PolicySimulator(CompiledPolicy candidate, PolicySimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        options ??= new PolicySimulationOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxEvents);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxChanges);
        ArgumentOutOfRangeException.ThrowIfNegative(options.TopSubjects);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSubjects);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxActions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ProgressEvery);
        _candidate = candidate;
        _options = options;
    }

    /// <summary>Replays events held in memory (tests, small windows).</summary>
    public PolicySimulationReport Run(IEnumerable<AuditEvent> events, IProgress<PolicySimulationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var tally = new SimulationTally(_candidate, _options);
        foreach (var evt in events)
        {
            if (!Feed(tally, evt, progress))
            {
                break;
            }
        }

        return tally.ToReport();
    }

    /// <summary>Replays a stream of events (oldest first is the natural order, but any order gives the same counts).</summary>
    public async Task<PolicySimulationReport> RunAsync(IAsyncEnumerable<AuditEvent> events, IProgress<PolicySimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var tally = new SimulationTally(_candidate, _options);
        await foreach (var evt in events.WithCancellation(cancellationToken))
        {
            if (!Feed(tally, evt, progress))
            {
                break;
            }
        }

        return tally.ToReport();
    }

    /// <summary>
    /// Replays a store's events read in seq order: <paramref name="readAfter"/> opens a stream of the
    /// events after a seq (0 for the start), which is read on another thread a bounded number of events
    /// ahead of the replay. A row the store cannot read (<see cref="AuditEventFormatException"/>
    /// naming its seq) is counted as skipped and reading resumes after it.
    /// </summary>
    public async Task<PolicySimulationReport> RunAsync(Func<long, IAsyncEnumerable<AuditEvent>> readAfter, IProgress<PolicySimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readAfter);
        var tally = new SimulationTally(_candidate, _options);
        long after = 0;
        var reading = true;
        while (reading)
        {
            reading = false;
            try
            {
                await foreach (var evt in ReadAhead.Buffer(readAfter(after), ReadAheadBatch, ReadAheadBatches, cancellationToken))
                {
                    after = evt.Seq;
                    if (!Feed(tally, evt, progress))
                    {
                        break;
                    }
                }
            }
            catch (AuditEventFormatException ex)
            {
                if (tally.Full)
                {
                    tally.Truncated = true;
                    break;
                }

                tally.AddUnreadable();
                if (ex.Seq is { } seq && seq > after)
                {
                    after = seq;
                    reading = true;
                }
                else
                {
                    // Without a seq there is no way past the row: report what was read.
                    tally.Truncated = true;
                }
            }
        }

        return tally.ToReport();
    }

    private bool Feed(SimulationTally tally, AuditEvent evt, IProgress<PolicySimulationProgress>? progress)
    {
        if (!tally.Accepts(evt))
        {
            return true;
        }

        if (tally.Full)
        {
            tally.Truncated = true;
            return false;
        }

        tally.Add(evt);
        if (progress is not null && tally.Events % _options.ProgressEvery == 0)
        {
            progress.Report(tally.Progress);
        }

        return true;
    }
}
