using System.Security.Cryptography;

namespace StepUp.Core.Factors.WebAuthn.Cose;

/// <summary>
/// The one place where a <see cref="CryptographicException"/> from the BCL becomes a result: OpenSSL
/// refuses some hostile keys (a point off the curve, a zero exponent) by throwing, and those keys
/// come from clients, so they must end as an error code, never as an unhandled exception.
/// </summary>
internal static class CryptoGuard
{
    public static bool TryRun<TState, TResult>(TState state, Func<TState, TResult> operation, out TResult? result)
    {
        try
        {
            result = operation(state);
            return true;
        }
        catch (CryptographicException)
        {
            result = default;
            return false;
        }
    }
}
