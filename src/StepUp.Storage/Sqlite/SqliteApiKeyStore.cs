using System.Buffers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Core.Security;

namespace StepUp.Storage.Sqlite;

/// <summary>API keys in SQLite; only the SHA-256 digest of each secret is stored.</summary>
public sealed class SqliteApiKeyStore : IApiKeyStore
{
    private const string Columns = "id, name, app, scopes, prefix, created_at, revoked_at, digest";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;

    public SqliteApiKeyStore(SqliteDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc/>
    public async Task<CreatedApiKey> CreateAsync(string name, string app, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(app);
        ArgumentNullException.ThrowIfNull(scopes);
        var unknown = scopes.Where(s => !ApiKeyScopes.IsKnown(s)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown scope(s): {string.Join(", ", unknown)}.", nameof(scopes));
        }

        var secret = ApiKeySecrets.NewSecret();
        var record = new ApiKeyRecord
        {
            Id = ApiKeySecrets.NewId(),
            Name = name,
            App = app,
            Scopes = scopes.Distinct(StringComparer.Ordinal).ToArray(),
            Prefix = ApiKeySecrets.DisplayPrefix(secret),
            CreatedAt = AuditTime.Truncate(_timeProvider.GetUtcNow()),
        };

        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO api_keys (id, name, app, scopes, digest, prefix, created_at, revoked_at) " +
            "VALUES ($id, $name, $app, $scopes, $digest, $prefix, $created_at, NULL);";
        command.Parameters.AddWithValue("$id", record.Id);
        command.Parameters.AddWithValue("$name", record.Name);
        command.Parameters.AddWithValue("$app", record.App);
        command.Parameters.AddWithValue("$scopes", WriteScopes(record.Scopes));
        command.Parameters.Add("$digest", SqliteType.Blob).Value = ApiKeySecrets.Digest(secret);
        command.Parameters.AddWithValue("$prefix", record.Prefix);
        command.Parameters.AddWithValue("$created_at", AuditTime.ToText(record.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new CreatedApiKey(record, secret);
    }

    /// <inheritdoc/>
    public async Task<ApiKeyRecord?> FindByDigestAsync(byte[] digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(digest);
        if (digest.Length != 32)
        {
            return null;
        }

        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys WHERE digest = $digest AND revoked_at IS NULL;";
        command.Parameters.Add("$digest", SqliteType.Blob).Value = digest;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        // The index lookup found the row; the final equality check does not depend on where bytes differ.
        var stored = (byte[])reader.GetValue(7);
        return Digests.FixedTimeEquals(stored, digest) ? ReadRecord(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string? app = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = app is null
            ? $"SELECT {Columns} FROM api_keys ORDER BY created_at, id;"
            : $"SELECT {Columns} FROM api_keys WHERE app = $app ORDER BY created_at, id;";
        if (app is not null)
        {
            command.Parameters.AddWithValue("$app", app);
        }

        var records = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL;";
        command.Parameters.AddWithValue("$now", AuditTime.ToText(_timeProvider.GetUtcNow()));
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static ApiKeyRecord ReadRecord(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        App = reader.GetString(2),
        Scopes = ReadScopes(reader.GetString(3)),
        Prefix = reader.GetString(4),
        CreatedAt = ReadTime(reader.GetString(5)),
        RevokedAt = reader.IsDBNull(6) ? null : ReadTime(reader.GetString(6)),
    };

    private static DateTimeOffset ReadTime(string text) =>
        AuditTime.TryParse(text, out var time) ? time : throw new FormatException($"Malformed api_keys timestamp '{text}'.");

    private static string WriteScopes(IReadOnlyList<string> scopes)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var scope in scopes)
            {
                writer.WriteStringValue(scope);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string[] ReadScopes(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
    }
}
