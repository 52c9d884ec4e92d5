namespace StepUp.Core.Factors.Totp;

/// <summary>
/// The parameters of a TOTP factor. The defaults are SPEC §3.2's: SHA-1, 6 digits, 30 s steps, ±1 step.
/// Out-of-range values throw when set, so a broken configuration fails at start-up.
/// </summary>
public sealed record TotpOptions
{
    /// <summary>Smallest supported code length.</summary>
    public const int MinDigits = 6;

    /// <summary>Largest supported code length.</summary>
    public const int MaxDigits = 8;

    /// <summary>Largest supported verification window, in steps either side of the current one.</summary>
    public const int MaxWindow = 10;

    /// <summary>Longest supported time step, in seconds.</summary>
    public const int MaxPeriodSeconds = 300;

    /// <summary>SHA-1, 6 digits, 30 s, ±1 step.</summary>
    public static TotpOptions Default { get; } = new();

    /// <summary>The HMAC hash; <see cref="OtpAlgorithm.Sha1"/> unless every user's app is known to support others.</summary>
    public OtpAlgorithm Algorithm
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown OTP algorithm.");
    } = OtpAlgorithm.Sha1;

    /// <summary>Digits in a code, <see cref="MinDigits"/> to <see cref="MaxDigits"/>.</summary>
    public int Digits
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, MinDigits);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxDigits);
            field = value;
        }
    } = 6;

    /// <summary>Length of a time step in seconds (RFC 6238 X), 1 to <see cref="MaxPeriodSeconds"/>.</summary>
    public int PeriodSeconds
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxPeriodSeconds);
            field = value;
        }
    } = 30;

    /// <summary>Steps accepted either side of the current one (clock-drift allowance), 0 to <see cref="MaxWindow"/>.</summary>
    public int Window
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxWindow);
            field = value;
        }
    } = 1;
}
