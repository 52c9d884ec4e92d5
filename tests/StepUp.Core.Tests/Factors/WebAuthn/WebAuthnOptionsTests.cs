using System.Text.Json.Nodes;
using StepUp.Core.Factors.WebAuthn;

namespace StepUp.Core.Tests.Factors.WebAuthn;

public sealed class WebAuthnOptionsTests
{
    private static readonly byte[] Challenge = [.. Enumerable.Range(0, 32).Select(i => (byte)(0xF0 + (i % 16)))];

    [Fact]
    public void CreationOptions_FollowTheL3JsonSerialisation()
    {
        var options = new WebAuthnCreationOptions
        {
            RpId = "example.com",
            RpName = "Example",
            UserId = new byte[] { 0xFB, 0xFF, 0x01 },
            UserName = "alice@example.com",
            UserDisplayName = "Alice",
            Challenge = Challenge,
            ExcludeCredentials = [new(new byte[] { 1, 2, 3, 4 }, ["usb", "nfc"]), new(new byte[] { 5 })],
            ResidentKey = WebAuthnResidentKey.Required,
            UserVerification = WebAuthnUserVerification.Required,
        }.ToJson();

        var expected = JsonNode.Parse("""
            {
              "rp": { "id": "example.com", "name": "Example" },
              "user": { "id": "-_8B", "name": "alice@example.com", "displayName": "Alice" },
              "challenge": "8PHy8_T19vf4-fr7_P3-__Dx8vP09fb3-Pn6-_z9_v8",
              "pubKeyCredParams": [ { "type": "public-key", "alg": -7 }, { "type": "public-key", "alg": -257 } ],
              "timeout": 300000,
              "excludeCredentials": [ { "type": "public-key", "id": "AQIDBA", "transports": ["usb", "nfc"] }, { "type": "public-key", "id": "BQ" } ],
              "authenticatorSelection": { "residentKey": "required", "requireResidentKey": true, "userVerification": "required" },
              "attestation": "none"
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, options), options.ToJsonString());
        Assert.DoesNotContain("=", options.ToJsonString());
    }

    [Fact]
    public void RequestOptions_FollowTheL3JsonSerialisation()
    {
        var options = new WebAuthnRequestOptions
        {
            Challenge = Challenge,
            RpId = "example.com",
            AllowCredentials = [new(new byte[] { 0xFF, 0xEE }, ["internal", "hybrid"])],
            UserVerification = WebAuthnUserVerification.Discouraged,
            Timeout = TimeSpan.FromSeconds(90),
        }.ToJson();

        var expected = JsonNode.Parse("""
            {
              "challenge": "8PHy8_T19vf4-fr7_P3-__Dx8vP09fb3-Pn6-_z9_v8",
              "timeout": 90000,
              "rpId": "example.com",
              "allowCredentials": [ { "type": "public-key", "id": "_-4", "transports": ["internal", "hybrid"] } ],
              "userVerification": "discouraged"
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, options), options.ToJsonString());
    }

    [Fact]
    public void Options_Throw_OnMisuse()
    {
        var creation = new WebAuthnCreationOptions
        {
            RpId = "example.com",
            RpName = "Example",
            UserId = new byte[] { 1 },
            UserName = "alice",
            UserDisplayName = "",
            Challenge = Challenge,
        };
        Assert.NotNull(creation.ToJson());
        Assert.Throws<ArgumentException>(() => (creation with { Challenge = new byte[15] }).ToJson());
        Assert.Throws<ArgumentException>(() => (creation with { UserId = new byte[65] }).ToJson());
        Assert.Throws<ArgumentException>(() => (creation with { UserId = ReadOnlyMemory<byte>.Empty }).ToJson());
        Assert.Throws<ArgumentException>(() => (creation with { RpId = "" }).ToJson());
        Assert.Throws<ArgumentException>(() => (creation with { Algorithms = [] }).ToJson());
        Assert.Throws<ArgumentOutOfRangeException>(() => (creation with { Timeout = TimeSpan.Zero }).ToJson());
        Assert.Throws<ArgumentException>(() => (creation with { ExcludeCredentials = [new(ReadOnlyMemory<byte>.Empty)] }).ToJson());
        Assert.Throws<ArgumentException>(() => new WebAuthnRequestOptions { Challenge = new byte[8], RpId = "example.com", AllowCredentials = [] }.ToJson());
    }

    [Fact]
    public void OptionsChallenge_IsAcceptedByVerification()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var options = new WebAuthnRequestOptions { Challenge = Challenge, RpId = SoftwareAuthenticator.RpId, AllowCredentials = [new(authenticator.CredentialId)] }.ToJson();
        Assert.True(WebAuthnBase64Url.TryDecode(options["challenge"]!.GetValue<string>(), 64, out var challenge));

        var response = authenticator.Assert(new Ceremony { Challenge = challenge }).Response;
        var result = WebAuthnAssertion.Verify(response, new WebAuthnAssertionExpectations
        {
            Challenge = Challenge,
            Origins = [SoftwareAuthenticator.Origin],
            RpId = SoftwareAuthenticator.RpId,
            AllowCredentialIds = [authenticator.CredentialId],
        }, authenticator.Stored());

        Assert.True(result.Succeeded, result.Error);
    }
}
