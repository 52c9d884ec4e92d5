using StepUp.Core.Security;

namespace StepUp.Storage;

/// <summary>A newly created key and its secret (<c>su_…</c>), which is shown once and never stored.</summary>
/// <param name="Record">The stored key.</param>
/// <param name="Secret">The bearer secret.</param>
public sealed record CreatedApiKey(ApiKeyRecord Record, string Secret)
{
    /// <summary>Keeps the secret out of logs and debugger displays.</summary>
    public override string ToString() => $"CreatedApiKey {{ Record = {Record}, Secret = *** }}";
}
