namespace StepUp.Storage.Retention;

/// <summary>A legal hold: everything (<see cref="SubjectId"/> null) or one subject's events.</summary>
public sealed record LegalHold(string? SubjectId, string Reason, DateTimeOffset CreatedAt)
{
    internal const string Everything = "*";
    internal const string SubjectPrefix = "subject:";

    internal string Scope => SubjectId is null ? Everything : SubjectPrefix + SubjectId;
}

/// <summary>Thrown when an erasure or prune is refused because a legal hold covers it.</summary>
public sealed class LegalHoldException : Exception
{
    public LegalHoldException()
    {
    }

    public LegalHoldException(string message)
        : base(message)
    {
    }

    public LegalHoldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
