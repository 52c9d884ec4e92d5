using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StepUp.AspNetCore.Tests.Infrastructure;
using StepUp.AspNetCore.Tokens;

namespace StepUp.AspNetCore.Tests.Tokens;

/// <summary>The local token check against keys the test holds, with a hand-moved clock.</summary>
public sealed class ElevationTokenValidatorTests : IDisposable
{
    private const string Kid = "token-k1";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private readonly StaticJwksHandler _jwks = new();
    private readonly FakeTime _time = new(Now);
    private readonly StepUpOptions _options = new() { Authority = new Uri("http://stepup.test"), ApiKey = "k", App = "bank", Issuer = "https://stepup.test" };
    private readonly JwksCache _cache;
    private readonly ElevationTokenValidator _validator;

    private static readonly StepUpResource Transfer = new("transfer", "t-9", new Dictionary<string, object?> { ["amount"] = 12000m, ["currency"] = "EUR" });

    public ElevationTokenValidatorTests()
    {
        _jwks.AddKey(Kid);
        _cache = new JwksCache(_jwks, Options.Create(_options), _time, NullLogger<JwksCache>.Instance);
        _validator = new ElevationTokenValidator(_cache, Options.Create(_options), _time);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _jwks.Dispose();
    }

    /// <summary>Hex SHA-256 of the RFC 8785 text of the transfer's attributes, written out by hand (the oracle).</summary>
    private static string TransferDigest => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("{\"amount\":12000,\"currency\":\"EUR\"}")));

    private static JsonObject Claims(Action<JsonObject>? change = null)
    {
        var claims = new JsonObject
        {
            ["iss"] = "https://stepup.test",
            ["aud"] = "bank",
            ["sub"] = "alice",
            ["sid"] = "s-1",
            ["acr"] = "urn:stepup:aal2",
            ["amr"] = new JsonArray("pwd", "otp"),
            ["auth_time"] = Now.ToUnixTimeSeconds() - 10,
            ["iat"] = Now.ToUnixTimeSeconds() - 10,
            ["exp"] = Now.ToUnixTimeSeconds() + 290,
            ["jti"] = "el_1",
            ["stepup_action"] = "payments.transfer",
            ["stepup_resource"] = new JsonObject { ["type"] = "transfer", ["id"] = "t-9", ["digest"] = TransferDigest },
            ["stepup_once"] = false,
        };
        change?.Invoke(claims);
        return claims;
    }

    private ValueTask<TokenCheck> CheckAsync(string token, StepUpResource? resource = null, string session = "s-1") =>
        _validator.CheckAsync(token, "alice", session, "payments.transfer", resource ?? Transfer, CancellationToken.None);

    [Fact]
    public async Task ValidToken_IsAccepted_WithItsElevationId()
    {
        var check = await CheckAsync(_jwks.Sign(Kid, Claims()));

        Assert.True(check.IsLocallyAcceptable);
        Assert.Equal("el_1", check.ElevationId);
    }

    [Fact]
    public async Task BoundDigest_MatchesStepUpsNormalisation_OfEqualNumbers()
    {
        // 12000 as int, long, double or decimal is the same JSON number to StepUp.
        foreach (object amount in new object[] { 12000, 12000L, 12000.0, 12000m })
        {
            var resource = new StepUpResource("transfer", "t-9", new Dictionary<string, object?> { ["currency"] = "EUR", ["amount"] = amount });
            Assert.True((await CheckAsync(_jwks.Sign(Kid, Claims()), resource)).IsLocallyAcceptable, $"amount as {amount.GetType().Name}");
        }
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "iss", nameof(TokenVerdict.WrongIssuer) },
        { "aud", nameof(TokenVerdict.WrongAudience) },
        { "sub", nameof(TokenVerdict.OtherSubject) },
        { "sid", nameof(TokenVerdict.OtherSession) },
        { "stepup_action", nameof(TokenVerdict.OtherAction) },
        { "stepup_resource", nameof(TokenVerdict.OtherResource) },
        { "exp", nameof(TokenVerdict.Expired) },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task TokenWithAnotherClaim_IsRefused(string claim, string expected)
    {
        var token = _jwks.Sign(Kid, Claims(c => c[claim] = claim switch
        {
            "exp" => Now.ToUnixTimeSeconds() - 31,
            "stepup_resource" => new JsonObject { ["type"] = "transfer", ["id"] = "t-9", ["digest"] = new string('0', 64) },
            _ => "something-else",
        }));

        Assert.Equal(expected, (await CheckAsync(token)).Verdict.ToString());
    }

    [Fact]
    public async Task BoundToken_IsRefused_WithoutAResource()
    {
        Assert.Equal(TokenVerdict.OtherResource, (await _validator.CheckAsync(_jwks.Sign(Kid, Claims()), "alice", "s-1", "payments.transfer", null, CancellationToken.None)).Verdict);
    }

    [Fact]
    public async Task AudienceArray_ContainingTheApp_IsAccepted()
    {
        Assert.True((await CheckAsync(_jwks.Sign(Kid, Claims(c => c["aud"] = new JsonArray("x", "bank"))))).IsLocallyAcceptable);
    }

    [Fact]
    public async Task Expiry_AllowsTheClockSkew_AndNoMore()
    {
        var token = _jwks.Sign(Kid, Claims(c => c["exp"] = Now.ToUnixTimeSeconds()));

        Assert.True((await CheckAsync(token)).IsLocallyAcceptable);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True((await CheckAsync(token)).IsLocallyAcceptable);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenVerdict.Expired, (await CheckAsync(token)).Verdict);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("absent")]
    [InlineData("string")]
    public async Task AnythingButOnceFalse_IsValidButOnlyOnline(string once)
    {
        var token = _jwks.Sign(Kid, Claims(c =>
        {
            if (once == "absent")
            {
                c.Remove("stepup_once");
            }
            else
            {
                c["stepup_once"] = once == "true" ? true : "false";
            }
        }));

        var check = await CheckAsync(token);

        Assert.Equal(TokenVerdict.Valid, check.Verdict);
        Assert.True(check.Once);
        Assert.False(check.IsLocallyAcceptable);
    }

    [Fact]
    public async Task WrongType_AndTampering_AreRefused()
    {
        Assert.Equal(TokenVerdict.WrongType, (await CheckAsync(_jwks.Sign(Kid, Claims(), type: "JWT"))).Verdict);
        var token = _jwks.Sign(Kid, Claims());
        var parts = token.Split('.');
        var other = _jwks.Sign(Kid, Claims(c => c["sub"] = "mallory")).Split('.');
        Assert.Equal(TokenVerdict.BadSignature, (await CheckAsync(parts[0] + "." + other[1] + "." + parts[2])).Verdict);
        Assert.Equal(TokenVerdict.Malformed, (await CheckAsync("not-a-token")).Verdict);
    }

    [Fact]
    public async Task KeyOfAnotherPurpose_NeverVerifiesAToken()
    {
        _jwks.AddKey("audit-a1");

        Assert.Equal(TokenVerdict.UnknownKey, (await CheckAsync(_jwks.Sign("audit-a1", Claims()))).Verdict);
    }

    [Fact]
    public async Task UnknownKid_RefetchesTheJwks_AtMostOncePer30Seconds()
    {
        Assert.True((await CheckAsync(_jwks.Sign(Kid, Claims()))).IsLocallyAcceptable);
        Assert.Equal(1, _jwks.Fetches);
        _jwks.AddKey("token-k2", publish: false);
        var rotated = _jwks.Sign("token-k2", Claims(c => c["jti"] = "el_2"));

        Assert.Equal(TokenVerdict.UnknownKey, (await CheckAsync(rotated)).Verdict);
        Assert.Equal(TokenVerdict.UnknownKey, (await CheckAsync(_jwks.Sign("token-k2", Claims(c => c["jti"] = "el_3")))).Verdict);
        Assert.Equal(1, _jwks.Fetches); // fetched at "Now" already: the refetch waits

        _jwks.Publish("token-k2");
        _time.Advance(JwksCache.MinRefetchInterval);
        Assert.True((await CheckAsync(rotated)).IsLocallyAcceptable);
        Assert.Equal(2, _jwks.Fetches);
    }

    [Fact]
    public async Task Jwks_IsFetchedAgain_AfterTheCacheDuration()
    {
        Assert.True((await CheckAsync(_jwks.Sign(Kid, Claims()))).IsLocallyAcceptable);
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.True((await CheckAsync(_jwks.Sign(Kid, Claims(c => { c["jti"] = "el_9"; c["exp"] = Now.ToUnixTimeSeconds() + 3600; })))).IsLocallyAcceptable);
        Assert.Equal(1, _jwks.Fetches);

        _time.Advance(TimeSpan.FromMinutes(1));
        // Stale: the known key still answers at once, and a refresh runs behind the request.
        Assert.True((await CheckAsync(_jwks.Sign(Kid, Claims(c => { c["jti"] = "el_10"; c["exp"] = Now.ToUnixTimeSeconds() + 3600; })))).IsLocallyAcceptable);
        for (var i = 0; i < 100 && _jwks.Fetches < 2; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(2, _jwks.Fetches);
        Assert.True((await CheckAsync(_jwks.Sign(Kid, Claims(c => { c["jti"] = "el_11"; c["exp"] = Now.ToUnixTimeSeconds() + 3600; })))).IsLocallyAcceptable);
        Assert.Equal(2, _jwks.Fetches);
    }
}
