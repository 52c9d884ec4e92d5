using Microsoft.Data.Sqlite;
using StepUp.Core.Factors;
using StepUp.Storage.StepUps;
using static StepUp.Storage.Sqlite.StepUps.SqlRunner;

namespace StepUp.Storage.Sqlite.StepUps;

/// <summary>SQLite factors, recovery codes and pending WebAuthn registrations.</summary>
public sealed class SqliteFactorStore(SqliteDatabase database) : IFactorStore
{
    private const string Columns =
        "id, subject_id, type, name, status, secret, last_step, credential_id, public_key, alg, sign_count, " +
        "backup_eligible, backup_state, aaguid, transports, created_at, activated_at, last_used_at";

    public async Task AddAsync(Factor factor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factor);
        await ExecuteAsync(database,
            $"INSERT INTO factors ({Columns}) VALUES ($id, $subject, $type, $name, $status, $secret, $step, $cred, $key, $alg, $count, $be, $bs, $aaguid, $transports, $created, $activated, NULL)",
            cancellationToken,
            ("$id", factor.Id), ("$subject", factor.SubjectId), ("$type", Factor.TypeName(factor.Type)), ("$name", factor.Name),
            ("$status", StatusName(factor.Status)), ("$secret", factor.EncryptedSecret), ("$step", factor.LastStep),
            ("$cred", factor.CredentialId), ("$key", factor.PublicKey), ("$alg", factor.Algorithm), ("$count", factor.SignCount),
            ("$be", factor.BackupEligible), ("$bs", factor.BackupState), ("$aaguid", factor.Aaguid),
            ("$transports", JsonList(factor.Transports)), ("$created", Text(factor.CreatedAt)),
            ("$activated", factor.ActivatedAt is { } a ? Text(a) : null));
    }

    public async Task<Factor?> GetAsync(string subjectId, string factorId, CancellationToken cancellationToken = default) =>
        (await QueryAsync(database, $"SELECT {Columns} FROM factors WHERE id = $id AND subject_id = $subject AND status <> 'removed'", Read, cancellationToken,
            ("$id", factorId), ("$subject", subjectId))).FirstOrDefault();

    public async Task<IReadOnlyList<Factor>> ListAsync(string subjectId, CancellationToken cancellationToken = default) =>
        await QueryAsync(database, $"SELECT {Columns} FROM factors WHERE subject_id = $subject AND status <> 'removed' ORDER BY created_at, id", Read, cancellationToken,
            ("$subject", subjectId));

    public async Task<Factor?> FindByCredentialIdAsync(byte[] credentialId, CancellationToken cancellationToken = default) =>
        (await QueryAsync(database, $"SELECT {Columns} FROM factors WHERE credential_id = $cred AND status = 'active'", Read, cancellationToken,
            ("$cred", credentialId))).FirstOrDefault();

    public async Task<bool> ActivateAsync(string factorId, long step, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database,
            "UPDATE factors SET status = 'active', last_step = $step, activated_at = $now, last_used_at = $now WHERE id = $id AND status = 'pending'",
            cancellationToken, ("$id", factorId), ("$step", step), ("$now", Text(now))) == 1;

    public async Task<bool> TryAdvanceStepAsync(string factorId, long step, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database,
            "UPDATE factors SET last_step = $step, last_used_at = $now WHERE id = $id AND status = 'active' AND (last_step IS NULL OR last_step < $step)",
            cancellationToken, ("$id", factorId), ("$step", step), ("$now", Text(now))) == 1;

    public async Task<bool> UpdateWebAuthnAsync(string factorId, long checkedSignCount, long signCount, bool backupState, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database,
            "UPDATE factors SET sign_count = $count, backup_state = $bs, last_used_at = $now WHERE id = $id AND COALESCE(sign_count, 0) = $checked",
            cancellationToken, ("$id", factorId), ("$checked", checkedSignCount), ("$count", signCount), ("$bs", backupState), ("$now", Text(now))) == 1;

    public async Task<bool> RemoveAsync(string subjectId, string factorId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database,
            "UPDATE factors SET status = 'removed', removed_at = $now, secret = NULL, credential_id = NULL WHERE id = $id AND subject_id = $subject AND status <> 'removed'",
            cancellationToken, ("$id", factorId), ("$subject", subjectId), ("$now", Text(now))) == 1;

    public async Task ReplaceRecoveryCodesAsync(string subjectId, IReadOnlyList<byte[]> hashes, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var delete = Command(connection, "DELETE FROM recovery_codes WHERE subject_id = $subject", ("$subject", subjectId)))
        {
            delete.Transaction = transaction;
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        for (var i = 0; i < hashes.Count; i++)
        {
            await using var insert = Command(connection,
                "INSERT INTO recovery_codes (subject_id, idx, hash, used_at, created_at) VALUES ($subject, $idx, $hash, NULL, $now)",
                ("$subject", subjectId), ("$idx", i), ("$hash", hashes[i]), ("$now", Text(now)));
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<byte[]?>> RecoveryCodeHashesAsync(string subjectId, CancellationToken cancellationToken = default) =>
        await QueryAsync(database, "SELECT hash, used_at FROM recovery_codes WHERE subject_id = $subject ORDER BY idx",
            r => r.IsDBNull(1) ? (byte[]?)r.GetValue(0) : null, cancellationToken, ("$subject", subjectId));

    public async Task<bool> UseRecoveryCodeAsync(string subjectId, int index, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE recovery_codes SET used_at = $now WHERE subject_id = $subject AND idx = $idx AND used_at IS NULL",
            cancellationToken, ("$subject", subjectId), ("$idx", index), ("$now", Text(now))) == 1;

    public async Task AddRegistrationChallengeAsync(string subjectId, byte[] challenge, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "INSERT INTO webauthn_registrations (challenge, subject_id, expires_at_ms) VALUES ($c, $subject, $exp)",
            cancellationToken, ("$c", challenge), ("$subject", subjectId), ("$exp", Ms(expiresAt)));

    public async Task<bool> TakeRegistrationChallengeAsync(string subjectId, byte[] challenge, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "DELETE FROM webauthn_registrations WHERE challenge = $c AND subject_id = $subject AND expires_at_ms > $now",
            cancellationToken, ("$c", challenge), ("$subject", subjectId), ("$now", Ms(now))) == 1;

    private static string StatusName(FactorStatus status) => status switch
    {
        FactorStatus.Pending => "pending",
        FactorStatus.Active => "active",
        _ => "removed",
    };

    private static Factor Read(SqliteDataReader r) => new()
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
        Algorithm = NullableLong(r, 9) is { } alg ? (int)alg : null,
        SignCount = NullableLong(r, 10),
        BackupEligible = NullableLong(r, 11) is { } be ? be != 0 : null,
        BackupState = NullableLong(r, 12) is { } bs ? bs != 0 : null,
        Aaguid = NullableString(r, 13),
        Transports = ParseJsonList(NullableString(r, 14)),
        CreatedAt = ParseText(r, 15)!.Value,
        ActivatedAt = ParseText(r, 16),
        LastUsedAt = ParseText(r, 17),
    };
}
