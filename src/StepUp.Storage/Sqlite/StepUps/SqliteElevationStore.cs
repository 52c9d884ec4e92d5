using Microsoft.Data.Sqlite;
using StepUp.Core.Elevations;
using StepUp.Core.Policy;
using StepUp.Storage.StepUps;
using static StepUp.Storage.Sqlite.StepUps.SqlRunner;

namespace StepUp.Storage.Sqlite.StepUps;

/// <summary>SQLite elevations; consuming a <c>once</c> elevation is a conditional update (one winner).</summary>
public sealed class SqliteElevationStore(SqliteDatabase database) : IElevationStore
{
    private const string Columns =
        "id, app, subject_id, session_id, level, methods, amr, auth_time_ms, action, resource_type, resource_id, resource_digest, " +
        "once, expires_at_ms, consumed_at, revoked_at, challenge_id";

    public async Task AddAsync(Elevation elevation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(elevation);
        await ExecuteAsync(database,
            $"INSERT INTO elevations ({Columns}) VALUES ($id, $app, $subject, $session, $level, $methods, $amr, $auth, $action, $rtype, $rid, $rdigest, $once, $expires, NULL, NULL, $challenge)",
            cancellationToken,
            ("$id", elevation.Id), ("$app", elevation.App), ("$subject", elevation.SubjectId), ("$session", elevation.SessionId),
            ("$level", elevation.Level.ToName()), ("$methods", (int)elevation.Methods), ("$amr", JsonList(elevation.Amr)),
            ("$auth", Ms(elevation.AuthTime)), ("$action", elevation.Action), ("$rtype", elevation.Resource?.Type),
            ("$rid", elevation.Resource?.Id), ("$rdigest", elevation.Resource?.Digest), ("$once", elevation.Once),
            ("$expires", Ms(elevation.ExpiresAt)), ("$challenge", elevation.ChallengeId));
    }

    public async Task<Elevation?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await QueryAsync(database, $"SELECT {Columns} FROM elevations WHERE id = $id", Read, cancellationToken, ("$id", id))).FirstOrDefault();

    public async Task<IReadOnlyList<Elevation>> ListActiveAsync(string app, string sessionId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await QueryAsync(database,
            $"SELECT {Columns} FROM elevations WHERE app = $app AND session_id = $session AND expires_at_ms > $now AND consumed_at IS NULL AND revoked_at IS NULL ORDER BY auth_time_ms DESC",
            Read, cancellationToken, ("$app", app), ("$session", sessionId), ("$now", Ms(now)));

    public async Task<bool> ConsumeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE elevations SET consumed_at = $now WHERE id = $id AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at_ms > $ms",
            cancellationToken, ("$id", id), ("$now", Text(now)), ("$ms", Ms(now))) == 1;

    public async Task<IReadOnlyList<Elevation>> RevokeSessionAsync(string app, string sessionId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var active = await ListActiveAsync(app, sessionId, now, cancellationToken);
        await ExecuteAsync(database,
            "UPDATE elevations SET revoked_at = $now WHERE app = $app AND session_id = $session AND revoked_at IS NULL AND consumed_at IS NULL AND expires_at_ms > $ms",
            cancellationToken, ("$app", app), ("$session", sessionId), ("$now", Text(now)), ("$ms", Ms(now)));
        return active;
    }

    private static Elevation Read(SqliteDataReader r)
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
            Amr = ParseJsonList(r.GetString(6)),
            AuthTime = FromMs(r.GetInt64(7)),
            Action = r.GetString(8),
            Resource = digest is null ? null : new ResourceBinding(NullableString(r, 9), NullableString(r, 10), digest),
            Once = r.GetInt64(12) != 0,
            ExpiresAt = FromMs(r.GetInt64(13)),
            ConsumedAt = ParseText(r, 14),
            RevokedAt = ParseText(r, 15),
            ChallengeId = r.GetString(16),
        };
    }
}
