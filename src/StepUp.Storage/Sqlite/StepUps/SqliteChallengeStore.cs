using Microsoft.Data.Sqlite;
using StepUp.Core.Challenges;
using StepUp.Core.Elevations;
using StepUp.Core.Policy;
using StepUp.Storage.StepUps;
using static StepUp.Storage.Sqlite.StepUps.SqlRunner;

namespace StepUp.Storage.Sqlite.StepUps;

/// <summary>SQLite challenges; attempts and completion are conditional updates (one winner).</summary>
public sealed class SqliteChallengeStore(SqliteDatabase database) : IChallengeStore
{
    private const string Columns =
        "id, app, subject_id, session_id, action, resource_type, resource_id, resource_digest, resource_summary, level, methods, " +
        "available_methods, max_age_ms, bind_resource, once, status, attempts, max_attempts, page_secret_hash, decision_id, app_amr, " +
        "context_ip, context_country, context_city, created_at, expires_at_ms, context_device_id, context_user_agent";

    public async Task AddAsync(Challenge challenge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        await ExecuteAsync(database,
            $"INSERT INTO challenges ({Columns}) VALUES ($id, $app, $subject, $session, $action, $rtype, $rid, $rdigest, $summary, $level, $methods, " +
            "$available, $maxage, $bind, $once, $status, $attempts, $max, $secret, $decision, $amr, $ip, $country, $city, $created, $expires, $device, $ua)",
            cancellationToken,
            ("$id", challenge.Id), ("$app", challenge.App), ("$subject", challenge.SubjectId), ("$session", challenge.SessionId),
            ("$action", challenge.Action), ("$rtype", challenge.Resource?.Type), ("$rid", challenge.Resource?.Id),
            ("$rdigest", challenge.Resource?.Digest), ("$summary", challenge.ResourceSummary), ("$level", challenge.Level.ToName()),
            ("$methods", (int)challenge.Methods), ("$available", (int)challenge.AvailableMethods), ("$maxage", (long)challenge.MaxAge.TotalMilliseconds),
            ("$bind", challenge.BindResource), ("$once", challenge.Once), ("$status", Challenge.StatusName(challenge.Status)),
            ("$attempts", challenge.Attempts), ("$max", challenge.MaxAttempts), ("$secret", challenge.PageSecretHash),
            ("$decision", challenge.DecisionId), ("$amr", JsonList(challenge.AppAmr)), ("$ip", challenge.ContextIp),
            ("$country", challenge.ContextCountry), ("$city", challenge.ContextCity), ("$created", Text(challenge.CreatedAt)),
            ("$expires", Ms(challenge.ExpiresAt)), ("$device", challenge.ContextDeviceId), ("$ua", challenge.ContextUserAgent));
    }

    public async Task<Challenge?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await QueryAsync(database, $"SELECT {Columns} FROM challenges WHERE id = $id", Read, cancellationToken, ("$id", id))).FirstOrDefault();

    public async Task<Challenge?> RecordFailureAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // One statement: the row returned is the one this call wrote (a second read could see a concurrent increment).
        var rows = await QueryAsync(database,
            "UPDATE challenges SET attempts = attempts + 1, " +
            "status = CASE WHEN attempts + 1 >= max_attempts THEN 'locked' ELSE status END " +
            $"WHERE id = $id AND status = 'pending' AND expires_at_ms > $now RETURNING {Columns}",
            Read, cancellationToken, ("$id", id), ("$now", Ms(now)));
        return rows.Count == 1 ? rows[0] : null;
    }

    public async Task<bool> CompleteAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE challenges SET status = 'verified' WHERE id = $id AND status = 'pending' AND expires_at_ms > $now",
            cancellationToken, ("$id", id), ("$now", Ms(now))) == 1;

    public async Task<bool> ExpireAsync(string id, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE challenges SET status = 'expired' WHERE id = $id AND status = 'pending'",
            cancellationToken, ("$id", id)) == 1;

    public async Task SetWebAuthnChallengeAsync(string id, byte[] challenge, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE challenges SET webauthn_challenge = $c WHERE id = $id", cancellationToken, ("$id", id), ("$c", challenge));

    public async Task<byte[]?> TakeWebAuthnChallengeAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        byte[]? value;
        await using (var select = Command(connection, "SELECT webauthn_challenge FROM challenges WHERE id = $id", ("$id", id)))
        {
            select.Transaction = transaction;
            value = await select.ExecuteScalarAsync(cancellationToken) as byte[];
        }

        if (value is not null)
        {
            await using var clear = Command(connection, "UPDATE challenges SET webauthn_challenge = NULL WHERE id = $id", ("$id", id));
            clear.Transaction = transaction;
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return value;
    }

    private static Challenge Read(SqliteDataReader r)
    {
        var digest = NullableString(r, 7);
        return new Challenge
        {
            Id = r.GetString(0),
            App = r.GetString(1),
            SubjectId = r.GetString(2),
            SessionId = r.GetString(3),
            Action = r.GetString(4),
            Resource = digest is null ? null : new ResourceBinding(NullableString(r, 5), NullableString(r, 6), digest),
            ResourceSummary = NullableString(r, 8),
            Level = PolicyNames.TryParseLevel(r.GetString(9), out var level) ? level : AssuranceLevel.Aal3,
            Methods = (StepUpMethods)r.GetInt32(10),
            AvailableMethods = (StepUpMethods)r.GetInt32(11),
            MaxAge = TimeSpan.FromMilliseconds(r.GetInt64(12)),
            BindResource = r.GetInt64(13) != 0,
            Once = r.GetInt64(14) != 0,
            Status = r.GetString(15) switch
            {
                "pending" => ChallengeStatus.Pending,
                "verified" => ChallengeStatus.Verified,
                "failed" => ChallengeStatus.Failed,
                "expired" => ChallengeStatus.Expired,
                _ => ChallengeStatus.Locked,
            },
            Attempts = r.GetInt32(16),
            MaxAttempts = r.GetInt32(17),
            PageSecretHash = (byte[])r.GetValue(18),
            DecisionId = r.GetString(19),
            AppAmr = ParseJsonList(r.GetString(20)),
            ContextIp = NullableString(r, 21),
            ContextCountry = NullableString(r, 22),
            ContextCity = NullableString(r, 23),
            CreatedAt = ParseText(r, 24)!.Value,
            ExpiresAt = FromMs(r.GetInt64(25)),
            ContextDeviceId = NullableString(r, 26),
            ContextUserAgent = NullableString(r, 27),
        };
    }
}
