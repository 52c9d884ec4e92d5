using StepUp.Server.Challenges;
using StepUp.Server.Elevations;
using StepUp.Storage.Sqlite;
using StepUp.Storage.Sqlite.StepUps;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Hosting;

/// <summary>Registers step-ups: challenge issuing and verification, elevations and their tokens (the stores are in <see cref="StorageSetup"/>).</summary>
internal static class ChallengeSetup
{
    public static IServiceCollection AddStepUpChallenges(this IServiceCollection services)
    {
        services.AddSingleton<ChallengeIssuer>();
        services.AddSingleton<RelyingParty>();
        services.AddSingleton(sp => new RecoveryCodeKey(sp.GetRequiredService<StepUp.Core.Security.SecretBox>().DeriveKey("recovery-codes")));
        services.AddSingleton<TotpCheck>();
        services.AddSingleton<RecoveryCodeCheck>();
        services.AddSingleton<WebAuthnCheck>();
        services.AddSingleton<ChallengeVerifier>();
        services.AddSingleton<StepUp.Server.Factors.FactorEnrollment>();
        services.AddSingleton<StepUp.Server.Factors.FactorChangeGuard>();
        services.AddSingleton<StepUp.Server.Factors.EnrollmentLinks>();
        services.AddSingleton<ElevationTokens>();
        services.AddSingleton<ElevationResolver>();
        services.AddSingleton<TokenKeyRotation>();
        services.AddHostedService(sp => sp.GetRequiredService<TokenKeyRotation>());
        return services;
    }
}
