namespace StepUp.Core.Factors.Totp;

/// <summary>
/// The outcome of <see cref="TotpVerifier.Verify"/>. When <see cref="Accepted"/>, the store must record
/// <see cref="Step"/> with a conditional update (<c>… WHERE last_step IS NULL OR last_step &lt; @step</c>) and
/// treat zero rows changed as a replay: that is what makes one code good for one verification across nodes.
/// </summary>
/// <param name="Accepted">Whether the code is valid and later than the last accepted step.</param>
/// <param name="Step">The time step the code belongs to when accepted; 0 otherwise.</param>
/// <param name="Failure">Why it was not accepted (<see cref="TotpFailure.None"/> when it was).</param>
public readonly record struct TotpResult(bool Accepted, long Step, TotpFailure Failure)
{
    internal static TotpResult Success(long step) => new(true, step, TotpFailure.None);

    internal static TotpResult Failed(TotpFailure failure) => new(false, 0, failure);
}
