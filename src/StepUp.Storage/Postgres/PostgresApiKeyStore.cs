using Npgsql;
using StepUp.Core.Audit;
using StepUp.Core.Security;
using static StepUp.Storage.Postgres.PostgresSql;

namespace StepUp.Storage.Postgres;

/// <summary>API keys in PostgreSQL; only the SHA-256 digest of each secret is stored.</summary>
public sealed class PostgresApiKeyStore : IApiKeyStore
{
    private const string Columns = "id, name, app, scopes, prefix, created_at, revoked_at, digest";

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store on a node's database; <paramref name="timeProvider"/> stamps creation and revocation.</summary>
    public PostgresApiKeyStore(PostgresDatabase database, TimeProvider timeProvider)
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

        await ExecuteAsync(_database,
            "INSERT INTO api_keys (id, name, app, scopes, digest, prefix, created_at, revoked_at) VALUES (@id, @name, @app, @scopes, @digest, @prefix, @created, NULL)",
            cancellationToken,
            ("id", record.Id), ("name", record.Name), ("app", record.App), ("scopes", TextArray(record.Scopes)),
            ("digest", ApiKeySecrets.Digest(secret)), ("prefix", record.Prefix), ("created", record.CreatedAt));
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

        var rows = await ReadAsync(_database, $"SELECT {Columns} FROM api_keys WHERE digest = @digest AND revoked_at IS NULL",
            r => (Record: Read(r), Digest: r.GetFieldValue<byte[]>(7)), cancellationToken, ("digest", digest));

        // The index lookup found the row; the final equality check does not depend on where bytes differ.
        return rows.Count == 1 && Digests.FixedTimeEquals(rows[0].Digest, digest) ? rows[0].Record : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string? app = null, CancellationToken cancellationToken = default) =>
        app is null
            ? await ReadAsync(_database, $"SELECT {Columns} FROM api_keys ORDER BY created_at, id", Read, cancellationToken)
            : await ReadAsync(_database, $"SELECT {Columns} FROM api_keys WHERE app = @app ORDER BY created_at, id", Read, cancellationToken, ("app", app));

    /// <inheritdoc/>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await ExecuteAsync(_database, "UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL",
            cancellationToken, ("id", id), ("now", Time(_timeProvider.GetUtcNow()))) == 1;
    }

    private static ApiKeyRecord Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        App = r.GetString(2),
        Scopes = Strings(r, 3),
        Prefix = r.GetString(4),
        CreatedAt = ReadTime(r, 5),
        RevokedAt = NullableTime(r, 6),
    };
}
