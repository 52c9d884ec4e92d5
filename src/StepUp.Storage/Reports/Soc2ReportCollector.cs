using StepUp.Core.Audit;
using StepUp.Core.Reports;
using StepUp.Storage.Checkpoints;

namespace StepUp.Storage.Reports;

/// <summary>
/// Gathers what a SOC 2 evidence report shows from an audit store (<c>stepup report soc2</c>, the
/// admin dashboard's reports) in bounded memory: one streaming pass over the events feeds the
/// figures (<see cref="ComplianceEvidenceBuilder"/>) and the seeded sample (<see cref="EvidenceSample"/>),
/// then the whole chain is verified.
/// </summary>
public static class Soc2ReportCollector
{
    /// <summary>The report input for the window [<paramref name="from"/>, <paramref name="to"/>), unsigned and unrendered.</summary>
    /// <param name="reader">The store's events.</param>
    /// <param name="verifier">Verifies the store's chain (with its audit keys and retention state).</param>
    /// <param name="from">Window start, inclusive.</param>
    /// <param name="to">Window end, exclusive.</param>
    /// <param name="now">The generation time the report shows.</param>
    /// <param name="seed">Seed of the event sample.</param>
    /// <param name="kid">The audit key that will sign the report.</param>
    /// <param name="source">Where the evidence comes from (a database file name).</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public static async Task<Soc2ReportInput> CollectAsync(IAuditReader reader, AuditStoreVerifier verifier, DateTimeOffset from, DateTimeOffset to,
        DateTimeOffset now, int seed, string kid, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(kid);
        ArgumentNullException.ThrowIfNull(source);
        // The chain verification streams the whole trail on its own connection: it runs beside the
        // evidence pass (two cores, about half the wall time), and is stopped if that pass fails.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var verification = Task.Run(() => verifier.VerifyAsync(new AuditStoreVerifyOptions(), stop.Token), stop.Token);
        var evidence = new ComplianceEvidenceBuilder(from, to);
        var sample = new EvidenceSample(seed);
        var read = false;
        try
        {
            await ReadAsync(reader, evidence, sample, cancellationToken);
            read = true;
        }
        finally
        {
            if (!read)
            {
                await stop.CancelAsync();
                await ((Task)verification).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        var chain = await verification;
        return new Soc2ReportInput
        {
            From = from,
            To = to,
            GeneratedAt = now,
            Evidence = evidence.Build(),
            Chain = chain,
            Seed = seed,
            Sample = sample.ToList(),
            Kid = kid,
            Source = source,
        };
    }

    /// <summary>One pass over every stored event, oldest first; each event of the window goes to the figures and the sample.</summary>
    private static async Task ReadAsync(IAuditReader reader, ComplianceEvidenceBuilder evidence, EvidenceSample sample, CancellationToken cancellationToken)
    {
        long after = 0;
        var reading = true;
        while (reading)
        {
            reading = false;
            try
            {
                await foreach (var evt in reader.ReadRangeAsync(after + 1, cancellationToken))
                {
                    after = evt.Seq;
                    if (evidence.Add(evt))
                    {
                        sample.Add(evt);
                    }
                }
            }
            catch (AuditEventFormatException ex) when (ex.Seq is { } seq && seq > after)
            {
                // A row that cannot be read has no time to count it by; the chain verification reports
                // it (malformed_event) and so fails every control. Read on after it.
                after = seq;
                reading = true;
            }
        }
    }
}
