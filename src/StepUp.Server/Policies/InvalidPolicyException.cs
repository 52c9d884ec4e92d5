namespace StepUp.Server.Policies;

/// <summary>The policy file was invalid at start-up; the message lists every error (file:line:column).</summary>
public sealed class InvalidPolicyException : Exception
{
    public InvalidPolicyException()
    {
    }

    public InvalidPolicyException(string message)
        : base(message)
    {
    }

    public InvalidPolicyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
