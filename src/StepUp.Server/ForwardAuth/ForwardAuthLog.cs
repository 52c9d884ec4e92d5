namespace StepUp.Server.ForwardAuth;

/// <summary>Log messages of forward auth. Never the secret, the session value or the request path's query.</summary>
internal static partial class ForwardAuthLog
{
    [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "Forward auth refused a call from {Peer}: {Reason}")]
    public static partial void Refused(ILogger logger, string peer, string reason);

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "Forward auth refused an ambiguous path: {Reason}")]
    public static partial void AmbiguousPath(ILogger logger, string reason);

    [LoggerMessage(EventId = 612, Level = LogLevel.Debug, Message = "Forward auth: a request for {Action} came without {Missing}")]
    public static partial void NotSignedIn(ILogger logger, string action, string missing);

    [LoggerMessage(EventId = 613, Level = LogLevel.Warning, Message = "Forward auth is enabled but StepUp:PublicUrl is not set: challenge links will use the address the proxy calls StepUp on, which browsers may not reach")]
    public static partial void NoPublicUrl(ILogger logger);
}
