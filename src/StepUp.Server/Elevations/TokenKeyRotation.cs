using Microsoft.Extensions.Options;
using StepUp.Core.Policy;
using StepUp.Core.Security;
using StepUp.Server.Hosting;
using StepUp.Server.Keys;
using StepUp.Server.Policies;
using StepUp.Storage.Keys;

namespace StepUp.Server.Elevations;

/// <summary>
/// Rotates the elevation-token key when it is older than <c>StepUp:Tokens:KeyRotation</c> (30 days
/// by default). A retired token key stays in the JWKS until every token it signed has expired: the
/// longest <c>max_age</c> of the active policy, plus five minutes of clock skew.
/// </summary>
internal sealed partial class TokenKeyRotation(
    SigningKeyService keys,
    PolicyHost policies,
    IOptions<StepUpServerOptions> options,
    TimeProvider time,
    ILogger<TokenKeyRotation> logger) : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromHours(1);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Rotates the token key when it is due; returns whether it did.</summary>
    public async Task<bool> RotateIfDueAsync(CancellationToken cancellationToken)
    {
        var active = await keys.GetActiveAsync(SigningKeyPurposes.Token, cancellationToken);
        var record = (await keys.ListAsync(cancellationToken)).FirstOrDefault(k => k.Kid == active.Kid);
        if (record is null || time.GetUtcNow() - record.CreatedAt < options.Value.Tokens.KeyRotation)
        {
            return false;
        }

        var next = await keys.RotateAsync(SigningKeyPurposes.Token, cancellationToken);
        LogRotated(active.Kid, next.Kid);
        return true;
    }

    /// <summary>Whether a key still belongs in the JWKS: audit keys always; token keys while tokens they signed may live.</summary>
    public bool IsPublished(SigningKeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Purpose != SigningKeyPurposes.Token || key.RetiredAt is not { } retired)
        {
            return true;
        }

        return time.GetUtcNow() - retired <= LongestTokenLifetime(policies.Current.Policy) + ClockSkew;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await RotateIfDueAsync(stoppingToken);
            await Task.Delay(CheckEvery, time, stoppingToken);
        }
    }

    private static TimeSpan LongestTokenLifetime(CompiledPolicy policy) =>
        policy.Rules.Select(r => r.MaxAge).Append(policy.Defaults.MaxAge).Max();

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Elevation-token key {Old} retired; new key {New}")]
    private partial void LogRotated(string old, string @new);
}
