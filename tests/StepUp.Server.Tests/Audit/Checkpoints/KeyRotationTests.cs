using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Core.Security;
using StepUp.Server.Audit.Checkpoints;
using StepUp.Server.Keys;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Audit.Checkpoints;

public sealed class KeyRotationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARotatedAuditKey_StaysInTheJwks_AndItsCheckpointsStillVerify()
    {
        var client = server.Client();
        var writer = server.Services.GetRequiredService<CheckpointWriter>();
        var keys = server.Services.GetRequiredService<SigningKeyService>();
        (await client.PostAsJsonAsync("/v1/decisions", new { subject = new { id = "a", session_id = "s" }, action = "records.read" }, Ct)).EnsureSuccessStatusCode();
        var old = await writer.WriteAsync(Ct);

        var rotated = await keys.RotateAsync(SigningKeyPurposes.Audit, Ct);
        (await client.PostAsJsonAsync("/v1/decisions", new { subject = new { id = "b", session_id = "s" }, action = "records.read" }, Ct)).EnsureSuccessStatusCode();
        var fresh = await writer.WriteAsync(Ct);

        var jwks = await server.Client(key: null).GetFromJsonAsync<JsonObject>("/.well-known/jwks.json", Ct);
        var kids = jwks!["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()).Where(k => k.StartsWith("audit-", StringComparison.Ordinal)).ToList();
        var oldKid = Core.Audit.Checkpoints.CheckpointJws.TryGetKid(old!.Payload["jws"]!.GetValue<string>());
        Assert.Equal(2, kids.Count);
        Assert.Contains(oldKid, kids);
        Assert.Contains(rotated.Kid, kids);
        Assert.NotEqual(oldKid, rotated.Kid);
        Assert.Equal(rotated.Kid, Core.Audit.Checkpoints.CheckpointJws.TryGetKid(fresh!.Payload["jws"]!.GetValue<string>()));

        var verify = await client.GetFromJsonAsync<JsonObject>("/v1/audit/verify", Ct);
        Assert.True(verify!["ok"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.Equal(2, verify["checkpoints_verified"]!.GetValue<long>());
    }
}
