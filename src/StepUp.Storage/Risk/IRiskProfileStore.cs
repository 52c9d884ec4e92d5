namespace StepUp.Storage.Risk;

/// <summary>Risk profiles (SPEC §5) by subject key, as the opaque bytes of <c>SubjectRiskProfile.Serialize</c>.</summary>
public interface IRiskProfileStore
{
    /// <summary>The stored profile, or null for a subject never seen.</summary>
    Task<byte[]?> GetAsync(string subjectKey, CancellationToken cancellationToken = default);

    /// <summary>Saves many profiles in one transaction (insert or replace).</summary>
    Task SaveAsync(IReadOnlyCollection<(string SubjectKey, byte[] Data)> profiles, DateTimeOffset now, CancellationToken cancellationToken = default);
}
