namespace StepUp.Server.Hosting;

/// <summary><c>StepUp:Tokens</c>: elevation-token signing.</summary>
public sealed class TokenOptions
{
    /// <summary>How long one elevation-token key signs before it is rotated.</summary>
    public TimeSpan KeyRotation { get; set; } = TimeSpan.FromDays(30);
}
