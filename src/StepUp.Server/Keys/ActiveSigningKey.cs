using System.Security.Cryptography;

namespace StepUp.Server.Keys;

/// <summary>The decrypted private key a purpose currently signs with; kept in memory only.</summary>
internal sealed class ActiveSigningKey(string kid, string purpose, ECDsa key) : IDisposable
{
    private readonly Lock _lock = new();

    /// <summary>Key id, as published in the JWKS.</summary>
    public string Kid { get; } = kid;

    /// <summary>What it signs.</summary>
    public string Purpose { get; } = purpose;

    /// <summary>Runs <paramref name="sign"/> with the private key, one caller at a time (ECDsa instances are not documented as thread-safe).</summary>
    public TResult Sign<TState, TResult>(TState state, Func<ECDsa, string, TState, TResult> sign)
    {
        ArgumentNullException.ThrowIfNull(sign);
        lock (_lock)
        {
            return sign(key, Kid, state);
        }
    }

    public void Dispose() => key.Dispose();

    public override string ToString() => $"ActiveSigningKey {{ Kid = {Kid} }}";
}
