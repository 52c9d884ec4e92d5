using Npgsql;
using StepUp.Storage.Sinks;
using static StepUp.Storage.Postgres.PostgresSql;

namespace StepUp.Storage.Postgres;

/// <summary>
/// Audit-sink cursors in PostgreSQL (<c>sink_deliveries</c>). The cursor moves with
/// <c>GREATEST</c>, so a node that delivered less never moves it back over another's delivery.
/// </summary>
public sealed class PostgresSinkDeliveryStore : ISinkDeliveryStore
{
    /// <summary>Longest stored error text.</summary>
    public const int MaxErrorLength = 500;

    private const string Columns = "name, last_seq, last_attempt_at, last_success_at, failures, last_error";

    private readonly PostgresDatabase _database;

    /// <summary>Creates the store on a node's database.</summary>
    public PostgresSinkDeliveryStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc/>
    public async Task<SinkDeliveryState> OpenAsync(string name, long startSeq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(startSeq);
        var rows = await RunAsync(_database, idempotent: true, async connection =>
        {
            await using (var insert = Command(connection, null, "INSERT INTO sink_deliveries (name, last_seq) VALUES (@name, @seq) ON CONFLICT (name) DO NOTHING",
                ("name", name), ("seq", startSeq)))
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            return await QueryAsync(connection, null, $"SELECT {Columns} FROM sink_deliveries WHERE name = @name", Read, cancellationToken, ("name", name));
        }, cancellationToken);
        return rows.Count == 1 ? rows[0] : throw new InvalidOperationException($"sink_deliveries has no row for '{name}' right after inserting it.");
    }

    /// <inheritdoc/>
    public Task RecordDeliveredAsync(string name, long lastSeq, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        UpdateAsync(
            "UPDATE sink_deliveries SET last_seq = GREATEST(last_seq, @seq), last_attempt_at = @at, last_success_at = @at, failures = 0, last_error = NULL WHERE name = @name",
            name, cancellationToken, ("seq", lastSeq), ("at", Time(at)));

    /// <inheritdoc/>
    public Task AdvanceAsync(string name, long lastSeq, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE sink_deliveries SET last_seq = GREATEST(last_seq, @seq) WHERE name = @name", name, cancellationToken, ("seq", lastSeq));

    /// <inheritdoc/>
    public Task RecordFailureAsync(string name, DateTimeOffset at, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        return UpdateAsync(
            "UPDATE sink_deliveries SET failures = failures + 1, last_attempt_at = @at, last_error = @error WHERE name = @name",
            name, cancellationToken, ("at", Time(at)), ("error", error.Length <= MaxErrorLength ? error : error[..MaxErrorLength]));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SinkDeliveryState>> ListAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(_database, $"SELECT {Columns} FROM sink_deliveries ORDER BY name", Read, cancellationToken);

    private async Task UpdateAsync(string sql, string name, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (await ExecuteAsync(_database, sql, cancellationToken, [("name", name), .. parameters]) != 1)
        {
            throw new InvalidOperationException($"No delivery state for sink '{name}'; open it first.");
        }
    }

    private static SinkDeliveryState Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        NullableTime(reader, 2),
        NullableTime(reader, 3),
        reader.GetInt32(4),
        NullableString(reader, 5));
}
