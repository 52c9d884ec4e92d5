using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using StepUp.Core.Factors;
using StepUp.Storage.StepUps;
using static StepUp.Storage.Postgres.PostgresSql;

namespace StepUp.Storage.Postgres.StepUps;

/// <summary>
/// PostgreSQL factors, recovery codes and pending WebAuthn registrations. Accepting a TOTP step,
/// storing a sign count and using a recovery code are compare-and-set updates, so a code accepted
/// on one node is refused on every other.
/// </summary>
public sealed class PostgresFactorStore(PostgresDatabase database) : IFactorStore
{
    private const string Columns =
        "id, subject_id, type, name, status, secret, last_step, credential_id, public_key, alg, sign_count, " +
        "backup_eligible, backup_state, aaguid, transports, created_at, activated_at, last_used_at";

    /// <inheritdoc/>
    public async Task AddAsync(Factor factor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factor);
        await ExecuteAsync(database,
            $"INSERT INTO factors ({Columns}) VALUES (@id, @subject, @type, @name, @status, @secret, @step, @cred, @key, @alg, @count, @be, @bs, @aaguid, @transports, @created, @activated, NULL)",
            cancellationToken,
            ("id", factor.Id), ("subject", factor.SubjectId), ("type", Factor.TypeName(factor.Type)), ("name", factor.Name),
            ("status", StatusName(factor.Status)), ("secret", factor.EncryptedSecret), ("step", factor.LastStep),
            ("cred", factor.CredentialId), ("key", factor.PublicKey), ("alg", factor.Algorithm), ("count", factor.SignCount),
            ("be", factor.BackupEligible), ("bs", factor.BackupState), ("aaguid", factor.Aaguid),
            ("transports", TextArray(factor.Transports)), ("created", Time(factor.CreatedAt)), ("activated", Time(factor.ActivatedAt)));
    }

    /// <inheritdoc/>
    public async Task<Factor?> GetAsync(string subjectId, string factorId, CancellationToken cancellationToken = default) =>
        (await ReadAsync(database, $"SELECT {Columns} FROM factors WHERE id = @id AND subject_id = @subject AND status <> 'removed'", Read, cancellationToken,
            ("id", factorId), ("subject", subjectId))).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Factor>> ListAsync(string subjectId, CancellationToken cancellationToken = default) =>
        await ReadAsync(database, $"SELECT {Columns} FROM factors WHERE subject_id = @subject AND status <> 'removed' ORDER BY created_at, id", Read, cancellationToken,
            ("subject", subjectId));

    /// <inheritdoc/>
    public async Task<Factor?> FindByCredentialIdAsync(byte[] credentialId, CancellationToken cancellationToken = default) =>
        (await ReadAsync(database, $"SELECT {Columns} FROM factors WHERE credential_id = @cred AND status = 'active'", Read, cancellationToken,
            ("cred", credentialId))).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<bool> ActivateAsync(string factorId, long step, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database,
            "UPDATE factors SET status = 'active', last_step = @step, activated_at = @now, last_used_at = @now WHERE id = @id AND status = 'pending'",
            cancellationToken, ("id", factorId), ("step", step), ("now", Time(now))) == 1;

    /// <inheritdoc/>
    /// <remarks>
    /// A node that waits for another's update of the row re-checks <c>last_step &lt; @step</c>
    /// against the committed row, so of two nodes accepting one code only the first succeeds.
    /// </remarks>
    public async Task<bool> TryAdvanceStepAsync(string factorId, long step, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database,
            "UPDATE factors SET last_step = @step, last_used_at = @now WHERE id = @id AND status = 'active' AND (last_step IS NULL OR last_step < @step)",
            cancellationToken, ("id", factorId), ("step", step), ("now", Time(now))) == 1;

    /// <inheritdoc/>
    public async Task<bool> UpdateWebAuthnAsync(string factorId, long checkedSignCount, long signCount, bool backupState, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database,
            "UPDATE factors SET sign_count = @count, backup_state = @bs, last_used_at = @now WHERE id = @id AND COALESCE(sign_count, 0) = @checked",
            cancellationToken, ("id", factorId), ("checked", checkedSignCount), ("count", signCount), ("bs", backupState), ("now", Time(now))) == 1;

    /// <inheritdoc/>
    public async Task<bool> RemoveAsync(string subjectId, string factorId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database,
            "UPDATE factors SET status = 'removed', removed_at = @now, secret = NULL, credential_id = NULL WHERE id = @id AND subject_id = @subject AND status <> 'removed'",
            cancellationToken, ("id", factorId), ("subject", subjectId), ("now", Time(now))) == 1;

    /// <inheritdoc/>
    public async Task ReplaceRecoveryCodesAsync(string subjectId, IReadOnlyList<byte[]> hashes, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        await RunAsync(database, idempotent: false, async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

            // Two nodes replacing one subject's codes at once would each delete only the rows they
            // see; a per-subject transaction lock makes the second wait, so one whole set wins.
            await using (var lockCommand = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", ("key", RecoveryCodesLockKey(subjectId))))
            {
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var delete = Command(connection, transaction, "DELETE FROM recovery_codes WHERE subject_id = @subject", ("subject", subjectId)))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var insert = Command(connection, transaction,
                "INSERT INTO recovery_codes (subject_id, idx, hash, used_at, created_at) " +
                "SELECT @subject, (u.ordinality - 1)::integer, u.hash, NULL, @now FROM unnest(@hashes) WITH ORDINALITY AS u(hash, ordinality)",
                ("subject", subjectId), ("now", Time(now))))
            {
                insert.Parameters.Add(new NpgsqlParameter("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = hashes.ToArray() });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<byte[]?>> RecoveryCodeHashesAsync(string subjectId, CancellationToken cancellationToken = default) =>
        await ReadAsync(database, "SELECT hash, used_at FROM recovery_codes WHERE subject_id = @subject ORDER BY idx",
            r => r.IsDBNull(1) ? r.GetFieldValue<byte[]>(0) : null, cancellationToken, ("subject", subjectId));

    /// <inheritdoc/>
    public async Task<bool> UseRecoveryCodeAsync(string subjectId, int index, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE recovery_codes SET used_at = @now WHERE subject_id = @subject AND idx = @idx AND used_at IS NULL",
            cancellationToken, ("subject", subjectId), ("idx", index), ("now", Time(now))) == 1;

    /// <inheritdoc/>
    public async Task AddRegistrationChallengeAsync(string subjectId, byte[] challenge, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "INSERT INTO webauthn_registrations (challenge, subject_id, expires_at) VALUES (@c, @subject, @exp)",
            cancellationToken, ("c", challenge), ("subject", subjectId), ("exp", Time(expiresAt)));

    /// <inheritdoc/>
    public async Task<bool> TakeRegistrationChallengeAsync(string subjectId, byte[] challenge, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "DELETE FROM webauthn_registrations WHERE challenge = @c AND subject_id = @subject AND expires_at > @now",
            cancellationToken, ("c", challenge), ("subject", subjectId), ("now", Time(now))) == 1;

    /// <summary>The transaction-lock key of one subject's recovery codes (a 64-bit hash of its id).</summary>
    internal static long RecoveryCodesLockKey(string subjectId) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("stepup/recovery-codes/" + subjectId)));

    private static string StatusName(FactorStatus status) => status switch
    {
        FactorStatus.Pending => "pending",
        FactorStatus.Active => "active",
        _ => "removed",
    };

    private static Factor Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        SubjectId = r.GetString(1),
        Type = r.GetString(2) == "totp" ? FactorType.Totp : FactorType.WebAuthn,
        Name = r.GetString(3),
        Status = r.GetString(4) switch { "pending" => FactorStatus.Pending, "active" => FactorStatus.Active, _ => FactorStatus.Removed },
        EncryptedSecret = NullableBytes(r, 5),
        LastStep = NullableLong(r, 6),
        CredentialId = NullableBytes(r, 7),
        PublicKey = NullableBytes(r, 8),
        Algorithm = NullableInt(r, 9),
        SignCount = NullableLong(r, 10),
        BackupEligible = NullableBool(r, 11),
        BackupState = NullableBool(r, 12),
        Aaguid = NullableString(r, 13),
        Transports = Strings(r, 14),
        CreatedAt = ReadTime(r, 15),
        ActivatedAt = NullableTime(r, 16),
        LastUsedAt = NullableTime(r, 17),
    };
}
