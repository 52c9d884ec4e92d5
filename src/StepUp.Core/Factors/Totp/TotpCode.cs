namespace StepUp.Core.Factors.Totp;

/// <summary>TOTP (RFC 6238): HOTP over the number of whole time steps since the Unix epoch (T0 = 0).</summary>
public static class TotpCode
{
    /// <summary>The time step that contains <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="now"/> is before 1970.</exception>
    public static long StepAt(DateTimeOffset now, int periodSeconds = 30)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periodSeconds, 1);
        var seconds = now.ToUnixTimeSeconds();
        ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(now));
        return seconds / periodSeconds;
    }

    /// <summary>The code an authenticator app shows at <paramref name="now"/>.</summary>
    public static string Generate(ReadOnlySpan<byte> secret, DateTimeOffset now, TotpOptions? options = null)
    {
        options ??= TotpOptions.Default;
        return GenerateAtStep(secret, StepAt(now, options.PeriodSeconds), options);
    }

    /// <summary>The code of time step <paramref name="step"/>.</summary>
    public static string GenerateAtStep(ReadOnlySpan<byte> secret, long step, TotpOptions? options = null)
    {
        options ??= TotpOptions.Default;
        return Hotp.Generate(secret, step, options.Digits, options.Algorithm);
    }
}
