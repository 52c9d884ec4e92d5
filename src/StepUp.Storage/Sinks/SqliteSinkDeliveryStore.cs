using System.Data.Common;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Sinks;

/// <summary>Sink cursors in the SQLite table <c>sink_deliveries</c> (migration 0004).</summary>
public sealed class SqliteSinkDeliveryStore : ISinkDeliveryStore
{
    /// <summary>Longest stored error text.</summary>
    public const int MaxErrorLength = 500;

    private const string Columns = "name, last_seq, last_attempt_at, last_success_at, failures, last_error";

    private readonly SqliteDatabase _database;

    public SqliteSinkDeliveryStore(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc/>
    public async Task<SinkDeliveryState> OpenAsync(string name, long startSeq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(startSeq);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO sink_deliveries (name, last_seq) VALUES ($name, $seq) ON CONFLICT (name) DO NOTHING; " +
            $"SELECT {Columns} FROM sink_deliveries WHERE name = $name;";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$seq", startSeq);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"sink_deliveries has no row for '{name}' right after inserting it.");
        }

        return Read(reader);
    }

    /// <inheritdoc/>
    public Task RecordDeliveredAsync(string name, long lastSeq, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ExecuteAsync(
            "UPDATE sink_deliveries SET last_seq = max(last_seq, $seq), last_attempt_at = $at, last_success_at = $at, failures = 0, last_error = NULL WHERE name = $name;",
            name,
            cancellationToken,
            ("$seq", lastSeq),
            ("$at", AuditTime.ToText(at)));

    /// <inheritdoc/>
    public Task AdvanceAsync(string name, long lastSeq, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE sink_deliveries SET last_seq = max(last_seq, $seq) WHERE name = $name;", name, cancellationToken, ("$seq", lastSeq));

    /// <inheritdoc/>
    public Task RecordFailureAsync(string name, DateTimeOffset at, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ExecuteAsync(
            "UPDATE sink_deliveries SET failures = failures + 1, last_attempt_at = $at, last_error = $error WHERE name = $name;",
            name,
            cancellationToken,
            ("$at", AuditTime.ToText(at)),
            ("$error", error.Length <= MaxErrorLength ? error : error[..MaxErrorLength]));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SinkDeliveryState>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM sink_deliveries ORDER BY name;";
        var states = new List<SinkDeliveryState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(Read(reader));
        }

        return states;
    }

    private async Task ExecuteAsync(string sql, string name, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$name", name);
        foreach (var (parameter, value) in parameters)
        {
            command.Parameters.AddWithValue(parameter, value);
        }

        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException($"No delivery state for sink '{name}'; open it first.");
        }
    }

    private static SinkDeliveryState Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        Time(reader, 2),
        Time(reader, 3),
        reader.GetInt32(4),
        reader.IsDBNull(5) ? null : reader.GetString(5));

    private static DateTimeOffset? Time(DbDataReader reader, int ordinal) =>
        !reader.IsDBNull(ordinal) && AuditTime.TryParse(reader.GetString(ordinal), out var time) ? time : null;
}
