using StepUp.Core.Elevations;

namespace StepUp.Storage.StepUps;

/// <summary>Elevations, kept server-side so that <c>once</c> and revocation work online.</summary>
public interface IElevationStore
{
    Task AddAsync(Elevation elevation, CancellationToken cancellationToken = default);

    Task<Elevation?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Unexpired, unrevoked, unconsumed elevations of one app's session.</summary>
    Task<IReadOnlyList<Elevation>> ListActiveAsync(string app, string sessionId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Consumes a <c>once</c> elevation atomically; exactly one caller wins.</summary>
    Task<bool> ConsumeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Revokes every active elevation of one app's session; returns the revoked ones.</summary>
    Task<IReadOnlyList<Elevation>> RevokeSessionAsync(string app, string sessionId, DateTimeOffset now, CancellationToken cancellationToken = default);
}
