namespace StepUp.Storage;

/// <summary>An audit query the caller got wrong (limit out of range, malformed cursor): a 400, not a 500.</summary>
public sealed class InvalidAuditQueryException : Exception
{
    public InvalidAuditQueryException()
    {
    }

    public InvalidAuditQueryException(string message)
        : base(message)
    {
    }

    public InvalidAuditQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidAuditQueryException(string message, string parameter)
        : base(message)
    {
        Parameter = parameter;
    }

    /// <summary>The query parameter at fault (<c>limit</c>, <c>cursor</c>), for the problem details.</summary>
    public string? Parameter { get; }
}
