namespace StepUp.AspNetCore.Tokens;

/// <summary>The outcome of a local elevation-token check; everything but <see cref="Valid"/> means "ask StepUp".</summary>
internal enum TokenVerdict
{
    Valid,
    Malformed,
    WrongType,
    UnknownKey,
    BadSignature,
    WrongIssuer,
    WrongAudience,
    Expired,
    OtherSubject,
    OtherSession,
    OtherAction,
    OtherResource,
}
