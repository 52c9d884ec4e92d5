using StepUp.Core.Audit;

namespace StepUp.Storage;

/// <summary>The end of the stored chain.</summary>
/// <param name="Seq">Last seq; 0 when empty.</param>
/// <param name="Hash">Last hash; <see cref="AuditChain.GenesisHash"/> when empty.</param>
/// <param name="Time">Last event's time; null when empty.</param>
public sealed record AuditHead(long Seq, string Hash, DateTimeOffset? Time)
{
    /// <summary>The head of an empty chain.</summary>
    public static AuditHead Empty { get; } = new(0, AuditChain.GenesisHash, null);
}
