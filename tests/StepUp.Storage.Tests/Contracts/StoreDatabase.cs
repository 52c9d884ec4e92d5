using StepUp.Storage.Keys;
using StepUp.Storage.Risk;
using StepUp.Storage.Sinks;
using StepUp.Storage.StepUps;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>
/// One fresh, migrated database of one provider as one node sees it: every store under contract,
/// plain SQL that bypasses the stores, and further nodes on the same database.
/// </summary>
public abstract class StoreDatabase : IAsyncDisposable
{
    public abstract string Provider { get; }

    public abstract ISubjectStore Subjects { get; }

    public abstract IFactorStore Factors { get; }

    public abstract IChallengeStore Challenges { get; }

    public abstract IElevationStore Elevations { get; }

    public abstract IEnrollmentStore Enrollments { get; }

    public abstract IApiKeyStore ApiKeys { get; }

    public abstract ISigningKeyStore SigningKeys { get; }

    public abstract ISinkDeliveryStore Sinks { get; }

    public abstract IRiskProfileStore RiskProfiles { get; }

    /// <summary>Another node on the same database: its own connections (pool), same clock.</summary>
    public abstract Task<StoreDatabase> OpenNodeAsync();

    /// <summary>Runs SQL outside the stores; a refused statement throws a <see cref="System.Data.Common.DbException"/>.</summary>
    public abstract Task<int> ExecuteAsync(string sql);

    /// <summary>The first column of the first row of <paramref name="sql"/>.</summary>
    public abstract Task<object?> ScalarAsync(string sql);

    public abstract ValueTask DisposeAsync();
}

/// <summary>Creates a fresh database of one provider per call.</summary>
public interface IStoreProvider
{
    Task<StoreDatabase> CreateAsync(TimeProvider clock);
}
