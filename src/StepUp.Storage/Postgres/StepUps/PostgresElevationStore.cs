using Npgsql;
using StepUp.Core.Elevations;
using StepUp.Core.Policy;
using StepUp.Storage.StepUps;
using static StepUp.Storage.Postgres.PostgresSql;

namespace StepUp.Storage.Postgres.StepUps;

/// <summary>
/// PostgreSQL elevations. Consuming a <c>once</c> elevation is one conditional update
/// (<c>consumed_at IS NULL</c>), so of two nodes deciding with it at once exactly one gets
/// <c>allow</c>; revoking a session returns exactly the rows it revoked.
/// </summary>
public sealed class PostgresElevationStore(PostgresDatabase database) : IElevationStore
{
    private const string Columns =
        "id, app, subject_id, session_id, level, methods, amr, auth_time, action, resource_type, resource_id, resource_digest, " +
        "once, expires_at, consumed_at, revoked_at, challenge_id";

    /// <inheritdoc/>
    public async Task AddAsync(Elevation elevation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(elevation);
        await ExecuteAsync(database,
            $"INSERT INTO elevations ({Columns}) VALUES (@id, @app, @subject, @session, @level, @methods, @amr, @auth, @action, @rtype, @rid, @rdigest, @once, @expires, NULL, NULL, @challenge)",
            cancellationToken,
            ("id", elevation.Id), ("app", elevation.App), ("subject", elevation.SubjectId), ("session", elevation.SessionId),
            ("level", elevation.Level.ToName()), ("methods", (int)elevation.Methods), ("amr", TextArray(elevation.Amr)),
            ("auth", Time(elevation.AuthTime)), ("action", elevation.Action), ("rtype", elevation.Resource?.Type),
            ("rid", elevation.Resource?.Id), ("rdigest", elevation.Resource?.Digest), ("once", elevation.Once),
            ("expires", Time(elevation.ExpiresAt)), ("challenge", elevation.ChallengeId));
    }

    /// <inheritdoc/>
    public async Task<Elevation?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await ReadAsync(database, $"SELECT {Columns} FROM elevations WHERE id = @id", Read, cancellationToken, ("id", id))).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Elevation>> ListActiveAsync(string app, string sessionId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ReadAsync(database,
            $"SELECT {Columns} FROM elevations WHERE app = @app AND session_id = @session AND expires_at > @now AND consumed_at IS NULL AND revoked_at IS NULL " +
            "ORDER BY auth_time DESC, id",
            Read, cancellationToken, ("app", app), ("session", sessionId), ("now", Time(now)));

    /// <inheritdoc/>
    public async Task<bool> ConsumeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE elevations SET consumed_at = @now WHERE id = @id AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > @now",
            cancellationToken, ("id", id), ("now", Time(now))) == 1;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Elevation>> RevokeSessionAsync(string app, string sessionId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var revoked = await QueryAsync(database,
            "UPDATE elevations SET revoked_at = @now WHERE app = @app AND session_id = @session AND revoked_at IS NULL AND consumed_at IS NULL AND expires_at > @now " +
            $"RETURNING {Columns}",
            Read, cancellationToken, ("app", app), ("session", sessionId), ("now", Time(now)));

        // Listed as ListActiveAsync lists them, newest first, but with the revocation time set.
        revoked.Sort((a, b) => b.AuthTime != a.AuthTime ? b.AuthTime.CompareTo(a.AuthTime) : string.CompareOrdinal(a.Id, b.Id));
        return revoked;
    }

    private static Elevation Read(NpgsqlDataReader r)
    {
        var digest = NullableString(r, 11);
        return new Elevation
        {
            Id = r.GetString(0),
            App = r.GetString(1),
            SubjectId = r.GetString(2),
            SessionId = r.GetString(3),
            Level = PolicyNames.TryParseLevel(r.GetString(4), out var level) ? level : AssuranceLevel.Aal1,
            Methods = (StepUpMethods)r.GetInt32(5),
            Amr = Strings(r, 6),
            AuthTime = ReadTime(r, 7),
            Action = r.GetString(8),
            Resource = digest is null ? null : new ResourceBinding(NullableString(r, 9), NullableString(r, 10), digest),
            Once = r.GetBoolean(12),
            ExpiresAt = ReadTime(r, 13),
            ConsumedAt = NullableTime(r, 14),
            RevokedAt = NullableTime(r, 15),
            ChallengeId = r.GetString(16),
        };
    }
}
