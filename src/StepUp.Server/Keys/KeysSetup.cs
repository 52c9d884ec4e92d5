using Microsoft.Extensions.Options;
using StepUp.Core.Security;
using StepUp.Server.Hosting;

namespace StepUp.Server.Keys;

/// <summary>Registers the secrets key (<see cref="SecretBox"/>) and the signing keys.</summary>
internal static class KeysSetup
{
    public static IServiceCollection AddStepUpSigningKeys(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<StepUpServerOptions>, SecretsOptionsValidator>();
        services.AddSingleton(SecretsKeyResolver.Create);
        services.AddSingleton(sp => new SigningKeyService(
            sp.GetRequiredService<StepUp.Storage.Keys.ISigningKeyStore>(), sp.GetRequiredService<SecretBox>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SigningKeyService>>()));
        services.AddHostedService(sp => sp.GetRequiredService<SigningKeyService>());
        return services;
    }

    /// <summary>Checks <c>StepUp:Secrets:Key</c> at start, without ever echoing it.</summary>
    private sealed class SecretsOptionsValidator : IValidateOptions<StepUpServerOptions>
    {
        public ValidateOptionsResult Validate(string? name, StepUpServerOptions options)
        {
            var key = options.Secrets.Key;
            if (string.IsNullOrWhiteSpace(key))
            {
                return ValidateOptionsResult.Success;
            }

            if (!SecretBox.TryParseKey(key, out var parsed))
            {
                return ValidateOptionsResult.Fail("StepUp:Secrets:Key must be the base64 encoding of exactly 32 bytes (e.g. `openssl rand -base64 32`)");
            }

            System.Security.Cryptography.CryptographicOperations.ZeroMemory(parsed);
            return ValidateOptionsResult.Success;
        }
    }
}
