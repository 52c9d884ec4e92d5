using Npgsql;
using StepUp.Core.Challenges;
using StepUp.Core.Elevations;
using StepUp.Core.Policy;
using StepUp.Storage.StepUps;
using static StepUp.Storage.Postgres.PostgresSql;

namespace StepUp.Storage.Postgres.StepUps;

/// <summary>
/// PostgreSQL challenges. Attempts, completion, expiry and taking the WebAuthn assertion challenge
/// are conditional updates on <c>status = 'pending'</c>: PostgreSQL re-checks the condition after
/// waiting for a concurrent writer, so of several nodes verifying one challenge exactly one wins.
/// </summary>
public sealed class PostgresChallengeStore(PostgresDatabase database) : IChallengeStore
{
    private const string Columns =
        "id, app, subject_id, session_id, action, resource_type, resource_id, resource_digest, resource_summary, level, methods, " +
        "available_methods, max_age_ms, bind_resource, once, status, attempts, max_attempts, page_secret_hash, decision_id, app_amr, " +
        "context_ip, context_country, context_city, created_at, expires_at, context_device_id, context_user_agent";

    /// <inheritdoc/>
    public async Task AddAsync(Challenge challenge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        await ExecuteAsync(database,
            $"INSERT INTO challenges ({Columns}) VALUES (@id, @app, @subject, @session, @action, @rtype, @rid, @rdigest, @summary, @level, @methods, " +
            "@available, @maxage, @bind, @once, @status, @attempts, @max, @secret, @decision, @amr, @ip, @country, @city, @created, @expires, @device, @ua)",
            cancellationToken,
            ("id", challenge.Id), ("app", challenge.App), ("subject", challenge.SubjectId), ("session", challenge.SessionId),
            ("action", challenge.Action), ("rtype", challenge.Resource?.Type), ("rid", challenge.Resource?.Id),
            ("rdigest", challenge.Resource?.Digest), ("summary", challenge.ResourceSummary), ("level", challenge.Level.ToName()),
            ("methods", (int)challenge.Methods), ("available", (int)challenge.AvailableMethods), ("maxage", (long)challenge.MaxAge.TotalMilliseconds),
            ("bind", challenge.BindResource), ("once", challenge.Once), ("status", Challenge.StatusName(challenge.Status)),
            ("attempts", challenge.Attempts), ("max", challenge.MaxAttempts), ("secret", challenge.PageSecretHash),
            ("decision", challenge.DecisionId), ("amr", TextArray(challenge.AppAmr)), ("ip", challenge.ContextIp),
            ("country", challenge.ContextCountry), ("city", challenge.ContextCity), ("created", Time(challenge.CreatedAt)),
            ("expires", Time(challenge.ExpiresAt)), ("device", challenge.ContextDeviceId), ("ua", challenge.ContextUserAgent));
    }

    /// <inheritdoc/>
    public async Task<Challenge?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await ReadAsync(database, $"SELECT {Columns} FROM challenges WHERE id = @id", Read, cancellationToken, ("id", id))).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<Challenge?> RecordFailureAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await QueryAsync(database,
            "UPDATE challenges SET attempts = attempts + 1, " +
            "status = CASE WHEN attempts + 1 >= max_attempts THEN 'locked' ELSE status END " +
            $"WHERE id = @id AND status = 'pending' AND expires_at > @now RETURNING {Columns}",
            Read, cancellationToken, ("id", id), ("now", Time(now)))).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<bool> CompleteAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE challenges SET status = 'verified' WHERE id = @id AND status = 'pending' AND expires_at > @now",
            cancellationToken, ("id", id), ("now", Time(now))) == 1;

    /// <inheritdoc/>
    public async Task<bool> ExpireAsync(string id, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE challenges SET status = 'expired' WHERE id = @id AND status = 'pending'",
            cancellationToken, ("id", id)) == 1;

    /// <inheritdoc/>
    public async Task SetWebAuthnChallengeAsync(string id, byte[] challenge, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE challenges SET webauthn_challenge = @c WHERE id = @id", cancellationToken, ("id", id), ("c", challenge));

    /// <inheritdoc/>
    public async Task<byte[]?> TakeWebAuthnChallengeAsync(string id, CancellationToken cancellationToken = default)
    {
        // The sub-select locks the row and yields the value being cleared; a concurrent taker
        // waits, re-checks IS NOT NULL against the cleared row and gets nothing.
        var taken = await QueryAsync(database,
            "UPDATE challenges c SET webauthn_challenge = NULL " +
            "FROM (SELECT id, webauthn_challenge FROM challenges WHERE id = @id AND webauthn_challenge IS NOT NULL FOR UPDATE) old " +
            "WHERE c.id = old.id RETURNING old.webauthn_challenge",
            r => r.GetFieldValue<byte[]>(0), cancellationToken, ("id", id));
        return taken.Count == 0 ? null : taken[0];
    }

    private static Challenge Read(NpgsqlDataReader r)
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
            BindResource = r.GetBoolean(13),
            Once = r.GetBoolean(14),
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
            PageSecretHash = r.GetFieldValue<byte[]>(18),
            DecisionId = r.GetString(19),
            AppAmr = Strings(r, 20),
            ContextIp = NullableString(r, 21),
            ContextCountry = NullableString(r, 22),
            ContextCity = NullableString(r, 23),
            CreatedAt = ReadTime(r, 24),
            ExpiresAt = ReadTime(r, 25),
            ContextDeviceId = NullableString(r, 26),
            ContextUserAgent = NullableString(r, 27),
        };
    }
}
