using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Core.Security;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Keys;

/// <summary>Signing keys in SQLite (<c>signing_keys</c>, migration 0002).</summary>
public sealed class SqliteSigningKeyStore : ISigningKeyStore
{
    private const string Columns = "kid, purpose, alg, private_key, public_jwk, created_at, retired_at";

    // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY: another process stored its key first.
    private const int UniqueViolation = 2067;
    private const int PrimaryKeyViolation = 1555;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;

    public SqliteSigningKeyStore(SqliteDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SigningKeyRecord>> ListAsync(string? purpose = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = purpose is null
            ? $"SELECT {Columns} FROM signing_keys ORDER BY created_at, kid;"
            : $"SELECT {Columns} FROM signing_keys WHERE purpose = $purpose ORDER BY created_at, kid;";
        if (purpose is not null)
        {
            command.Parameters.AddWithValue("$purpose", purpose);
        }

        var keys = new List<SigningKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <inheritdoc/>
    public async Task<bool> TryAddActiveAsync(SigningKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.IsActive || !SigningKeyPurposes.IsKnown(key.Purpose) || !SigningKeyPurposes.IsKidOf(key.Kid, key.Purpose) ||
            !string.Equals(key.Kid, key.PublicKey.Kid, StringComparison.Ordinal))
        {
            throw new ArgumentException("A new key must be active, of a known purpose, with a kid of that purpose matching its JWK.", nameof(key));
        }

        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "INSERT INTO signing_keys (kid, purpose, alg, private_key, public_jwk, created_at, retired_at) " +
            "VALUES ($kid, $purpose, $alg, $private_key, $public_jwk, $created_at, NULL);";
        command.Parameters.AddWithValue("$kid", key.Kid);
        command.Parameters.AddWithValue("$purpose", key.Purpose);
        command.Parameters.AddWithValue("$alg", key.Algorithm);
        command.Parameters.Add("$private_key", SqliteType.Blob).Value = key.SealedPrivateKey.ToArray();
        command.Parameters.AddWithValue("$public_jwk", key.PublicKey.ToJson().ToJsonString());
        command.Parameters.AddWithValue("$created_at", AuditTime.ToText(key.CreatedAt));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode is UniqueViolation or PrimaryKeyViolation)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<bool> RetireAsync(string kid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kid);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE signing_keys SET retired_at = $now WHERE kid = $kid AND retired_at IS NULL;";
        command.Parameters.AddWithValue("$now", AuditTime.ToText(_timeProvider.GetUtcNow()));
        command.Parameters.AddWithValue("$kid", kid);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static SigningKeyRecord Read(SqliteDataReader reader)
    {
        var kid = reader.GetString(0);
        if (JsonNode.Parse(reader.GetString(4)) is not JsonObject jwk || !EcPublicJwk.TryParse(jwk, out var publicKey) ||
            !string.Equals(publicKey.Kid, kid, StringComparison.Ordinal))
        {
            throw new FormatException($"Signing key {kid} has a malformed public JWK.");
        }

        return new SigningKeyRecord
        {
            Kid = kid,
            Purpose = reader.GetString(1),
            Algorithm = reader.GetString(2),
            SealedPrivateKey = (byte[])reader.GetValue(3),
            PublicKey = publicKey,
            CreatedAt = ReadTime(reader.GetString(5), kid),
            RetiredAt = reader.IsDBNull(6) ? null : ReadTime(reader.GetString(6), kid),
        };
    }

    private static DateTimeOffset ReadTime(string text, string kid) =>
        AuditTime.TryParse(text, out var time) ? time : throw new FormatException($"Signing key {kid} has a malformed timestamp.");
}
