using Microsoft.Extensions.Logging;

namespace StepUp.AspNetCore.Logging;

/// <summary>
/// Every log line of the library, with stable event ids. Nothing here takes a token, an API key,
/// a cookie or a session credential: only ids StepUp itself audits.
/// </summary>
internal static partial class StepUpLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "StepUp allowed {Action}: decision {DecisionId}, elevation {ElevationId}")]
    public static partial void Allowed(ILogger logger, string action, string? decisionId, string? elevationId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "StepUp asked for a step-up for {Action}: decision {DecisionId}")]
    public static partial void SteppedUp(ILogger logger, string action, string? decisionId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "StepUp denied {Action}: decision {DecisionId}")]
    public static partial void Denied(ILogger logger, string action, string? decisionId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Elevation {ElevationId} accepted locally for {Action}")]
    public static partial void AcceptedLocally(ILogger logger, string action, string? elevationId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Elevation token not accepted locally for {Action} ({Verdict}); asking StepUp")]
    public static partial void NotAcceptedLocally(ILogger logger, string action, string verdict);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "StepUp could not decide {Action} ({Failure}); failing closed with 503")]
    public static partial void FailedClosed(ILogger logger, string action, string? failure);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "StepUp could not decide {Action} ({Failure}); FailOpen is set, so the endpoint runs without a step-up check")]
    public static partial void FailedOpen(ILogger logger, string action, string? failure);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "StepUp refused the decision request for {Action} ({Failure}); check StepUp:ApiKey (scope 'decisions') and the request. Answering 503")]
    public static partial void Refused(ILogger logger, string action, string? failure);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Loaded {Count} elevation-token keys from {Url}")]
    public static partial void JwksLoaded(ILogger logger, int count, Uri url);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Could not fetch the JWKS from {Url} ({Failure}); keeping {Count} cached keys")]
    public static partial void JwksFailed(ILogger logger, Uri url, string failure, int count);
}
