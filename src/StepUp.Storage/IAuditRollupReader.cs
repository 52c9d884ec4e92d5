using StepUp.Core.Audit;

namespace StepUp.Storage;

/// <summary>Reads the hourly counters the appender keeps beside the trail (<see cref="AuditRollup"/>).</summary>
public interface IAuditRollupReader
{
    /// <summary>Counters of the hours starting in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    Task<IReadOnlyList<AuditRollupCount>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}
