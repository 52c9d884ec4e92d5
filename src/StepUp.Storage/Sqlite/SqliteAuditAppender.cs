using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;

namespace StepUp.Storage.Sqlite;

/// <summary>
/// The process's single audit writer on SQLite (<see cref="GroupCommitAuditAppender"/>): each batch
/// (up to <see cref="SqliteAuditAppenderOptions.MaxBatchSize"/> events) is chained onto the stored
/// head and written in one transaction on one dedicated connection (<c>synchronous=FULL</c>: one
/// fsync per batch).
/// </summary>
public sealed partial class SqliteAuditAppender : GroupCommitAuditAppender, IAuditFeed
{
    private readonly SqliteConnection _connection;
    private long _committedSeq;
    private TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Opens the writer connection and starts the writer loop.</summary>
    /// <exception cref="SqliteException">The database cannot be opened.</exception>
    public SqliteAuditAppender(SqliteDatabase database, TimeProvider timeProvider, SqliteAuditAppenderOptions? options = null)
        : base(timeProvider, (options ?? new SqliteAuditAppenderOptions()).QueueCapacity, (options ?? new SqliteAuditAppenderOptions()).MaxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(database);
        _connection = database.OpenConnection();
        try
        {
            PrepareCommands();
        }
        catch (SqliteException)
        {
            _connection.Dispose();
            throw;
        }

        _committedSeq = new SqliteAuditReader(database).GetHeadAsync().GetAwaiter().GetResult().Seq;
        Start();
    }

    /// <inheritdoc/>
    public long CommittedSeq => Interlocked.Read(ref _committedSeq);

    /// <inheritdoc/>
    public async Task WaitForCommitAsync(long afterSeq, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _committed);
            if (CommittedSeq > afterSeq)
            {
                return;
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // The one writer connection: a commit runs synchronously on the writer loop.
    private protected override ValueTask<AuditEvent[][]> CommitAsync(IReadOnlyList<PendingAppend> batch) => new(Commit(batch));

    /// <inheritdoc/>
    protected override void OnCommitted(long seq)
    {
        Interlocked.Exchange(ref _committedSeq, seq);
        Interlocked.Exchange(ref _committed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Closes the connection once the queue has drained.</summary>
    protected override async ValueTask CloseAsync()
    {
        DisposeCommands();
        await _connection.DisposeAsync();
    }
}
