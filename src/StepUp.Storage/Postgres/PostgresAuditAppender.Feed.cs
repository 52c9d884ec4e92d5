using System.Data.Common;
using Npgsql;

namespace StepUp.Storage.Postgres;

// IAuditFeed: this node's commits wake waiters at once; other nodes' commits are found by polling
// max(seq), at most once per interval and only while someone waits.
public sealed partial class PostgresAuditAppender
{
    private const string MaxSeqSql = "SELECT coalesce(max(seq), 0) FROM audit_events";

    private readonly TimeSpan _pollInterval;
    private readonly CancellationTokenSource _stopping = new();
    private long _committedSeq;
    private TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiters;
    private int _polling;
    private Task _poller = Task.CompletedTask;

    /// <inheritdoc/>
    /// <remarks>Seqs committed by other nodes count once a poll has seen them.</remarks>
    public long CommittedSeq => Interlocked.Read(ref _committedSeq);

    /// <inheritdoc/>
    public async Task WaitForCommitAsync(long afterSeq, CancellationToken cancellationToken = default)
    {
        if (CommittedSeq > afterSeq)
        {
            return;
        }

        Interlocked.Increment(ref _waiters);
        try
        {
            StartPolling();
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
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }

    /// <summary>Raises <see cref="CommittedSeq"/> to <paramref name="seq"/> (never lowers it) and wakes the waiters.</summary>
    private void PublishCommitted(long seq)
    {
        var current = Interlocked.Read(ref _committedSeq);
        while (seq > current)
        {
            var seen = Interlocked.CompareExchange(ref _committedSeq, seq, current);
            if (seen == current)
            {
                Interlocked.Exchange(ref _committed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                return;
            }

            current = seen;
        }
    }

    private long ReadCommittedSeq()
    {
        try
        {
            using var connection = _database.DataSource.OpenConnection();
            using var command = new NpgsqlCommand(MaxSeqSql, connection);
            return (long)command.ExecuteScalar()!;
        }
        catch (Exception ex) when (PostgresAuditConnections.IsUnavailable(ex))
        {
            PostgresAuditConnections.Reset(_database);
            throw PostgresAuditConnections.Unavailable("the audit head cannot be read", ex);
        }
    }

    private void StartPolling()
    {
        if (!IsDisposed && Interlocked.CompareExchange(ref _polling, 1, 0) == 0)
        {
            _poller = Task.Run(PollAsync);
        }
    }

    private async Task PollAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            while (true)
            {
                await Task.Delay(_pollInterval, TimeProvider, stopping).ConfigureAwait(false);
                if (Volatile.Read(ref _waiters) == 0)
                {
                    Volatile.Write(ref _polling, 0);
                    // A waiter that arrived between the check and the reset found the flag still set:
                    // keep polling for it unless it started a poller of its own meanwhile.
                    if (Volatile.Read(ref _waiters) == 0 || Interlocked.CompareExchange(ref _polling, 1, 0) != 0)
                    {
                        return;
                    }
                }

                await PollOnceAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // This appender was disposed: stop polling.
        }
        catch (ObjectDisposedException)
        {
            // The database was disposed under a waiter (host shutdown): nothing left to poll.
        }
    }

    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(MaxSeqSql, connection);
            PublishCommitted((long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // A failed poll is just a poll without news (the server may be restarting): try again next interval.
            if (PostgresAuditConnections.IsUnavailable(ex))
            {
                PostgresAuditConnections.Reset(_database);
            }
        }
    }

    private async Task StopPollingAsync()
    {
        // _stopping is not disposed: a waiter arriving after disposal must still be able to read its token.
        await _stopping.CancelAsync();
        await Volatile.Read(ref _poller);
    }
}
