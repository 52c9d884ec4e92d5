using StepUp.Core.Challenges;
using StepUp.Core.Elevations;
using StepUp.Core.Factors;
using StepUp.Core.Policy;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>Factors, challenges and elevations as the server creates them, for the store contracts.</summary>
internal static class StepUpSamples
{
    private static DateTimeOffset Now => TempDirectory.Epoch;

    public static Factor Totp(string id, string subject) => new()
    {
        Id = id, SubjectId = subject, Type = FactorType.Totp, Name = "phone", Status = FactorStatus.Pending,
        CreatedAt = Now, EncryptedSecret = [1, 2, 3],
    };

    public static Factor WebAuthn(string id, string subject, byte[] credentialId) => new()
    {
        Id = id, SubjectId = subject, Type = FactorType.WebAuthn, Name = "key", Status = FactorStatus.Active, CreatedAt = Now,
        CredentialId = credentialId, PublicKey = [1], Algorithm = -7, SignCount = 5, BackupEligible = false, BackupState = false, Transports = ["internal"],
    };

    public static Challenge Challenge(string id, int maxAttempts = 3) => new()
    {
        Id = id, App = "shop", SubjectId = "alice", SessionId = "s-1", Action = "payments.transfer",
        Resource = new ResourceBinding("transfer", "t-1", "ab"), Level = AssuranceLevel.Aal2,
        Methods = StepUpMethods.Totp | StepUpMethods.WebAuthn, AvailableMethods = StepUpMethods.Totp,
        MaxAge = TimeSpan.FromMinutes(5), BindResource = true, Once = true, MaxAttempts = maxAttempts,
        PageSecretHash = [9, 9], DecisionId = "d-1", AppAmr = ["pwd"], CreatedAt = Now, ExpiresAt = Now.AddMinutes(5),
    };

    public static Elevation Elevation(string id, bool once, string session = "s-9") => new()
    {
        Id = id, App = "shop", SubjectId = "alice", SessionId = session, Level = AssuranceLevel.Aal2, Methods = StepUpMethods.Totp,
        Amr = ["pwd", "otp", "mfa"], AuthTime = Now, Action = "payments.transfer", Once = once, ExpiresAt = Now.AddMinutes(5), ChallengeId = "c",
    };
}
