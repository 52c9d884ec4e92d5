using System.Text.Json;
using Microsoft.Playwright;

namespace StepUp.Server.Tests.Pages.Browser;

/// <summary>
/// A CDP virtual authenticator in a page (DevTools <c>WebAuthn</c> domain): CTAP2, internal
/// transport, resident keys and user verification by default, BE = 0 unless asked.
/// </summary>
public sealed class VirtualAuthenticator
{
    private readonly ICDPSession _cdp;

    private VirtualAuthenticator(ICDPSession cdp, string id)
    {
        _cdp = cdp;
        Id = id;
    }

    public string Id { get; }

    public static async Task<VirtualAuthenticator> AddAsync(IPage page, bool userVerified = true, bool backupEligible = false)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        var result = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = userVerified,
                ["automaticPresenceSimulation"] = true,
                ["defaultBackupEligibility"] = backupEligible,
                ["defaultBackupState"] = backupEligible,
            },
        });
        return new VirtualAuthenticator(cdp, result!.Value.GetProperty("authenticatorId").GetString()!);
    }

    /// <summary>The credentials it holds, as CDP reports them (credentialId, rpId, privateKey, userHandle, signCount …).</summary>
    public async Task<List<JsonElement>> CredentialsAsync()
    {
        var result = await _cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = Id });
        return result!.Value.GetProperty("credentials").EnumerateArray().Select(c => c.Clone()).ToList();
    }

    public async Task RemoveCredentialAsync(string credentialId) =>
        await _cdp.SendAsync("WebAuthn.removeCredential", new Dictionary<string, object> { ["authenticatorId"] = Id, ["credentialId"] = credentialId });

    /// <summary>Imports a credential (same key material) with the given RP ID and counter.</summary>
    public async Task AddCredentialAsync(JsonElement credential, string? rpId = null, long? signCount = null)
    {
        var copy = new Dictionary<string, object>
        {
            ["credentialId"] = credential.GetProperty("credentialId").GetString()!,
            ["isResidentCredential"] = credential.GetProperty("isResidentCredential").GetBoolean(),
            ["rpId"] = rpId ?? credential.GetProperty("rpId").GetString()!,
            ["privateKey"] = credential.GetProperty("privateKey").GetString()!,
            ["signCount"] = signCount ?? credential.GetProperty("signCount").GetInt64(),
        };
        if (credential.TryGetProperty("userHandle", out var userHandle) && userHandle.ValueKind == JsonValueKind.String)
        {
            copy["userHandle"] = userHandle.GetString()!;
        }

        await _cdp.SendAsync("WebAuthn.addCredential", new Dictionary<string, object> { ["authenticatorId"] = Id, ["credential"] = copy });
    }

    public async Task SetUserVerifiedAsync(bool verified) =>
        await _cdp.SendAsync("WebAuthn.setUserVerified", new Dictionary<string, object> { ["authenticatorId"] = Id, ["isUserVerified"] = verified });
}
