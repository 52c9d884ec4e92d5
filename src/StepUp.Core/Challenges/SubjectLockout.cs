namespace StepUp.Core.Challenges;

/// <summary>
/// A subject's throttling state (NIST SP 800-63B): consecutive failures across challenges, how
/// often the subject has been locked, and until when.
/// </summary>
public sealed record SubjectLockout(string SubjectId, int ConsecutiveFailures, int Lockouts, DateTimeOffset? LockedUntil)
{
    public bool IsLocked(DateTimeOffset now) => LockedUntil is { } until && until > now;

    /// <summary>Back-off of the next lockout: doubling from <paramref name="min"/>, capped at <paramref name="max"/>.</summary>
    public static TimeSpan Backoff(int previousLockouts, TimeSpan min, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Min(previousLockouts, 30));
        var ticks = Math.Min(min.Ticks * factor, max.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
