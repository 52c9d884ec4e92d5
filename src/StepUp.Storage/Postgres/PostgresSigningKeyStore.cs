using System.Text.Json.Nodes;
using Npgsql;
using StepUp.Core.Security;
using StepUp.Storage.Keys;
using static StepUp.Storage.Postgres.PostgresSql;

namespace StepUp.Storage.Postgres;

/// <summary>
/// Signing keys in PostgreSQL (<c>signing_keys</c>). The private key arrives sealed with the secrets
/// key and is stored as those opaque bytes; every node configured with the same
/// <c>StepUp:Secrets:Key</c> can open it. A partial unique index keeps one active key per purpose
/// when several nodes create one at once: the first insert wins, the others get false.
/// </summary>
public sealed class PostgresSigningKeyStore : ISigningKeyStore
{
    private const string Columns = "kid, purpose, alg, private_key, public_jwk, created_at, retired_at";

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store on a node's database; <paramref name="timeProvider"/> stamps retirement.</summary>
    public PostgresSigningKeyStore(PostgresDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SigningKeyRecord>> ListAsync(string? purpose = null, CancellationToken cancellationToken = default) =>
        purpose is null
            ? await ReadAsync(_database, $"SELECT {Columns} FROM signing_keys ORDER BY created_at, kid", Read, cancellationToken)
            : await ReadAsync(_database, $"SELECT {Columns} FROM signing_keys WHERE purpose = @purpose ORDER BY created_at, kid", Read, cancellationToken, ("purpose", purpose));

    /// <inheritdoc/>
    public async Task<bool> TryAddActiveAsync(SigningKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.IsActive || !SigningKeyPurposes.IsKnown(key.Purpose) || !SigningKeyPurposes.IsKidOf(key.Kid, key.Purpose) ||
            !string.Equals(key.Kid, key.PublicKey.Kid, StringComparison.Ordinal))
        {
            throw new ArgumentException("A new key must be active, of a known purpose, with a kid of that purpose matching its JWK.", nameof(key));
        }

        try
        {
            await ExecuteAsync(_database,
                "INSERT INTO signing_keys (kid, purpose, alg, private_key, public_jwk, created_at, retired_at) VALUES (@kid, @purpose, @alg, @private, @jwk, @created, NULL)",
                cancellationToken,
                ("kid", key.Kid), ("purpose", key.Purpose), ("alg", key.Algorithm), ("private", key.SealedPrivateKey.ToArray()),
                ("jwk", key.PublicKey.ToJson().ToJsonString()), ("created", Time(key.CreatedAt)));
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            // Another node stored its key first (or this kid exists already).
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<bool> RetireAsync(string kid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kid);
        return await ExecuteAsync(_database, "UPDATE signing_keys SET retired_at = @now WHERE kid = @kid AND retired_at IS NULL",
            cancellationToken, ("kid", kid), ("now", Time(_timeProvider.GetUtcNow()))) == 1;
    }

    private static SigningKeyRecord Read(NpgsqlDataReader reader)
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
            SealedPrivateKey = reader.GetFieldValue<byte[]>(3),
            PublicKey = publicKey,
            CreatedAt = ReadTime(reader, 5),
            RetiredAt = NullableTime(reader, 6),
        };
    }
}
