using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Audit.Checkpoints;

/// <summary>A server that checkpoints every 5 events.</summary>
public sealed class CheckpointServerFixture : ServerFixture
{
    public string AnchorPath { get; } = Path.Combine(Path.GetTempPath(), "stepup-anchor-" + Guid.NewGuid().ToString("N") + ".jsonl");

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("StepUp:Audit:CheckpointEvery", "5"),
        new("StepUp:Audit:CheckpointFile", AnchorPath),
    ];
}

public sealed class JwksAndCheckpointApiTests(CheckpointServerFixture server) : IClassFixture<CheckpointServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonObject> NextCheckpointAsync()
    {
        var client = server.Client();
        var before = (await server.AllEventsAsync("audit.checkpoint")).Count;
        for (var i = 0; i < 5; i++)
        {
            (await client.PostAsJsonAsync("/v1/decisions", new { subject = new { id = "cp-" + i, session_id = "s" }, action = "records.read" }, Ct)).EnsureSuccessStatusCode();
        }

        for (var attempt = 0; attempt < 200; attempt++)
        {
            var checkpoints = await server.AllEventsAsync("audit.checkpoint");
            if (checkpoints.Count > before)
            {
                return checkpoints[^1];
            }

            await Task.Delay(25, Ct);
        }

        throw new TimeoutException("no checkpoint after 5 decisions");
    }

    [Fact]
    public async Task Jwks_IsPublic_AndPublishesTheAuditKey()
    {
        using var anonymous = server.Client(key: null);

        var response = await anonymous.GetAsync("/.well-known/jwks.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("max-age", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var jwks = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        var keys = jwks!["keys"]!.AsArray().Select(k => k!.AsObject()).ToList();
        var audit = Assert.Single(keys, k => k["kid"]!.GetValue<string>().StartsWith("audit-", StringComparison.Ordinal));
        Assert.All(keys, key =>
        {
            Assert.Equal(["kty", "crv", "x", "y", "kid", "alg", "use"], key.Select(p => p.Key));
            Assert.Equal(("EC", "P-256", "ES256", "sig"), (key["kty"]!.GetValue<string>(), key["crv"]!.GetValue<string>(), key["alg"]!.GetValue<string>(), key["use"]!.GetValue<string>()));
        });
        // Token keys (elevation tokens) are other keys with other kids.
        Assert.All(keys.Where(k => k != audit), k => Assert.StartsWith("token-", k["kid"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.DoesNotContain(keys.Where(k => k != audit), k => k["x"]!.GetValue<string>() == audit["x"]!.GetValue<string>());
    }

    [Fact]
    public async Task CheckpointJws_VerifiesWithTheJwksKey_CheckedIndependently()
    {
        var checkpoint = await NextCheckpointAsync();
        var jwks = await server.Client(key: null).GetFromJsonAsync<JsonObject>("/.well-known/jwks.json", Ct);

        // Every step by hand (RFC 7515 §5.2), without StepUp's JWS code.
        var parts = checkpoint["jws"]!.GetValue<string>().Split('.');
        Assert.Equal(3, parts.Length);
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
        var kid = header["kid"]!.GetValue<string>();
        Assert.Equal($"{{\"alg\":\"ES256\",\"kid\":\"{kid}\",\"typ\":\"stepup-checkpoint+jws\"}}", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])));
        var jwk = jwks!["keys"]!.AsArray().Single(k => k!["kid"]!.GetValue<string>() == kid)!;
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk["x"]!.GetValue<string>()), Y = Base64Url.DecodeFromChars(jwk["y"]!.GetValue<string>()) },
        });
        var signature = Base64Url.DecodeFromChars(parts[2]);
        Assert.Equal(64, signature.Length);
        Assert.True(ecdsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        var seq = checkpoint["checkpoint_seq"]!.GetValue<long>();
        var hash = checkpoint["checkpoint_hash"]!.GetValue<string>();
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]));
        Assert.Matches($"^\\{{\"hash\":\"{hash}\",\"seq\":{seq},\"time\":\"\\d{{4}}-\\d{{2}}-\\d{{2}}T\\d{{2}}:\\d{{2}}:\\d{{2}}\\.\\d{{3}}Z\"\\}}$", payload);
        var events = await server.AllEventsAsync();
        Assert.Equal(hash, events.Single(e => e["seq"]!.GetValue<long>() == seq)["hash"]!.GetValue<string>());
        Assert.True(seq < checkpoint["seq"]!.GetValue<long>());
        Assert.Equal(["checkpoint_hash", "checkpoint_seq", "jws"], checkpoint.Select(p => p.Key).Except(["seq", "id", "time", "type", "prev_hash", "payload_digest", "hash"]).Order());
    }

    [Fact]
    public async Task Verify_ReportsCheckpointsVerified_AndTheLastCheckpoint()
    {
        var checkpoint = await NextCheckpointAsync();

        var verify = await server.Client().GetFromJsonAsync<JsonObject>("/v1/audit/verify", Ct);

        Assert.True(verify!["ok"]!.GetValue<bool>());
        Assert.True(verify["checkpoints_verified"]!.GetValue<long>() >= 1);
        Assert.True(verify["last_checkpoint"]!["seq"]!.GetValue<long>() >= checkpoint["checkpoint_seq"]!.GetValue<long>());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", verify["last_checkpoint"]!["time"]!.GetValue<string>());
    }

    [Fact]
    public async Task CheckpointFile_HoldsEachCheckpointEvent_AsOneLine()
    {
        var checkpoint = await NextCheckpointAsync();

        var lines = await File.ReadAllLinesAsync(server.AnchorPath, Ct);

        var last = JsonNode.Parse(lines[^1])!.AsObject();
        Assert.Equal(checkpoint["seq"]!.GetValue<long>(), last["seq"]!.GetValue<long>());
        Assert.Equal(checkpoint["hash"]!.GetValue<string>(), last["hash"]!.GetValue<string>());
        Assert.Equal(checkpoint["jws"]!.GetValue<string>(), last["jws"]!.GetValue<string>());
    }
}
