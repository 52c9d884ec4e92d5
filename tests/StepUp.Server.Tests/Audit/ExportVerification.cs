using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;

namespace StepUp.Server.Tests.Audit;

/// <summary>Verifies exported <c>jsonl</c> lines offline, as an auditor would: with the server's published JWKS for checkpoint signatures.</summary>
internal static class ExportVerification
{
    public static async Task<AuditChainVerifier> VerifierAsync(HttpClient client)
    {
        var jwks = await client.GetStringAsync("/.well-known/jwks.json", TestContext.Current.CancellationToken);
        return new AuditChainVerifier(1, AuditChain.GenesisHash, CheckpointKeyRing.FromJwks(jwks));
    }
}
