namespace StepUp.Core.Audit;

/// <summary>A stored or exported audit event that cannot be read as one (bad JSON, missing or mistyped envelope field).</summary>
public sealed class AuditEventFormatException : FormatException
{
    public AuditEventFormatException()
    {
    }

    public AuditEventFormatException(string message)
        : base(message)
    {
    }

    public AuditEventFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The event's <c>seq</c> when it could be read, else null.</summary>
    public long? Seq { get; init; }
}
