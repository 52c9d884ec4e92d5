using System.Security.Cryptography;

namespace StepUp.Core.Factors.Totp;

/// <summary>
/// Checks a code typed by a user against a TOTP secret: every step of the window is computed and compared
/// in constant time, with no early exit, so timing reveals neither whether nor where the code matched.
/// </summary>
public static class TotpVerifier
{
    // Longer input cannot be a code; refusing it early bounds the work an attacker can ask for.
    private const int MaxInputLength = 64;

    /// <summary>
    /// Accepts <paramref name="code"/> when it is the code of a step within <see cref="TotpOptions.Window"/> of
    /// the step at <paramref name="now"/> and that step is strictly later than <paramref name="lastAcceptedStep"/>
    /// (<see langword="null"/> when the factor has never accepted a code). White space in the code is ignored;
    /// anything else that is not a digit, or the wrong number of digits, is <see cref="TotpFailure.Malformed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The secret is empty or <paramref name="now"/> is before 1970.</exception>
    public static TotpResult Verify(ReadOnlySpan<byte> secret, string? code, DateTimeOffset now, long? lastAcceptedStep, TotpOptions? options = null)
    {
        if (secret.IsEmpty)
        {
            throw new ArgumentException("The TOTP secret is empty.", nameof(secret));
        }

        options ??= TotpOptions.Default;
        var current = TotpCode.StepAt(now, options.PeriodSeconds);

        Span<byte> entered = stackalloc byte[TotpOptions.MaxDigits];
        if (!TryNormalize(code, options.Digits, entered))
        {
            return TotpResult.Failed(TotpFailure.Malformed);
        }

        entered = entered[..options.Digits];
        Span<byte> candidate = stackalloc byte[options.Digits];
        var last = lastAcceptedStep ?? -1;
        long acceptedStep = 0;
        var accepted = 0;
        var replayed = 0;
        using var hmac = Hotp.CreateHmac(secret, options.Algorithm);

        for (var step = current - options.Window; step <= current + options.Window; step++)
        {
            if (step < 0)
            {
                continue; // only in the first minute after 1970; depends on the clock, not on the code
            }

            Hotp.WriteDigits(Hotp.ComputeUnchecked(hmac, step, options.Digits), candidate);
            var match = CryptographicOperations.FixedTimeEquals(candidate, entered) ? 1 : 0;
            var later = step > last ? 1 : 0;
            var hit = match & later;

            // Branch-free "remember this step if it matched"; ascending order leaves the latest matching step.
            var mask = -(long)hit;
            acceptedStep = (acceptedStep & ~mask) | (step & mask);
            accepted |= hit;
            replayed |= match & (later ^ 1);
        }

        CryptographicOperations.ZeroMemory(candidate);
        CryptographicOperations.ZeroMemory(entered);

        if (accepted == 1)
        {
            return TotpResult.Success(acceptedStep);
        }

        return TotpResult.Failed(replayed == 1 ? TotpFailure.Replayed : TotpFailure.Invalid);
    }

    /// <summary>Copies the digits of <paramref name="code"/> into <paramref name="digits"/>, skipping white space.</summary>
    internal static bool TryNormalize(string? code, int length, Span<byte> digits)
    {
        if (code is null || code.Length > MaxInputLength)
        {
            return false;
        }

        var count = 0;
        foreach (var c in code)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            if (!char.IsAsciiDigit(c) || count == length)
            {
                return false;
            }

            digits[count++] = (byte)c;
        }

        return count == length;
    }
}
