using System.Globalization;
using StepUp.Core.Audit;

namespace StepUp.Storage.Postgres;

/// <summary>
/// A node's audit writer on PostgreSQL (<see cref="GroupCommitAuditAppender"/>), extending one
/// gap-free chain shared by every node. Each batch (up to <see cref="PostgresAuditAppenderOptions.MaxBatchSize"/>
/// events) is written in one transaction that first takes a transaction-scoped advisory lock, then
/// reads the chain tip from the table (never from memory: another node may have appended), chains
/// the batch onto it, inserts and commits (<c>synchronous_commit=on</c>: durable when the callers
/// are released). When the server cannot be reached the batch's callers get a
/// <see cref="StorageUnavailableException"/>, nothing is half-written, and the next batch reconnects.
/// </summary>
public sealed partial class PostgresAuditAppender : GroupCommitAuditAppender, IAuditFeed
{
    private readonly PostgresDatabase _database;

    /// <summary>Reads the committed head (for <see cref="CommittedSeq"/>) and starts the writer loop.</summary>
    /// <exception cref="StorageUnavailableException">The server cannot be reached.</exception>
    public PostgresAuditAppender(PostgresDatabase database, TimeProvider timeProvider, PostgresAuditAppenderOptions? options = null)
        : base(timeProvider, (options ?? new PostgresAuditAppenderOptions()).QueueCapacity, (options ?? new PostgresAuditAppenderOptions()).MaxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(database);
        options ??= new PostgresAuditAppenderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.FeedPollInterval, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChainLockTimeout, TimeSpan.FromMilliseconds(1), nameof(options));
        _database = database;
        _pollInterval = options.FeedPollInterval;
        _lockTimeout = ((long)options.ChainLockTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
        _committedSeq = ReadCommittedSeq();
        Start();
    }

    /// <inheritdoc/>
    protected override void OnCommitted(long seq) => PublishCommitted(seq);

    /// <summary>The server is gone for everyone: fail the whole batch at once rather than once per caller.</summary>
    protected override bool FailsWholeBatch(Exception failure) => failure is StorageUnavailableException;

    /// <inheritdoc/>
    protected override Exception ForEachCaller(Exception failure) =>
        new StorageUnavailableException(failure.Message, failure.InnerException!);

    /// <summary>Stops polling for other nodes' commits once the queue has drained.</summary>
    protected override async ValueTask CloseAsync() => await StopPollingAsync();
}
