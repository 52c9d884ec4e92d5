namespace StepUp.Core.Factors.Totp;

/// <summary>Why a TOTP code was not accepted. For the audit trail only: callers answer every failure the same way.</summary>
public enum TotpFailure
{
    /// <summary>The code was accepted.</summary>
    None,

    /// <summary>Not a code at all: a character other than a digit or white space, or the wrong number of digits.</summary>
    Malformed,

    /// <summary>The code belongs to no time step within the window.</summary>
    Invalid,

    /// <summary>The code belongs to a step within the window that is not later than the last accepted step.</summary>
    Replayed,
}
