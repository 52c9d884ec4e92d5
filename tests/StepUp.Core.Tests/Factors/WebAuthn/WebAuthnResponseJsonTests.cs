using System.Text.Json;
using StepUp.Core.Factors.WebAuthn;

namespace StepUp.Core.Tests.Factors.WebAuthn;

public sealed class WebAuthnResponseJsonTests
{
    private static readonly byte[] Challenge = SoftwareAuthenticator.NewChallenge();

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void RegistrationJson_AsABrowserSendsIt_Verifies()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var r = authenticator.Register(new Ceremony { Challenge = Challenge }).Response;
        var json = Json($$"""
            {
              "id": "{{r.Id}}", "rawId": "{{r.RawId}}", "type": "public-key",
              "authenticatorAttachment": "platform",
              "clientExtensionResults": { "credProps": { "rk": true } },
              "response": {
                "clientDataJSON": "{{r.ClientDataJson}}",
                "attestationObject": "{{r.AttestationObject}}",
                "authenticatorData": "ignored", "publicKey": "ignored", "publicKeyAlgorithm": -7,
                "transports": ["internal", "hybrid"]
              }
            }
            """);

        var result = WebAuthnRegistration.Verify(json, new WebAuthnRegistrationExpectations
        {
            Challenge = Challenge,
            Origins = [SoftwareAuthenticator.Origin],
            RpId = SoftwareAuthenticator.RpId,
        });

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["internal", "hybrid"], result.Credential.Transports);
    }

    [Fact]
    public void AssertionJson_AsABrowserSendsIt_Verifies_WithNullOrAbsentUserHandle()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var a = authenticator.Assert(new Ceremony { Challenge = Challenge }).Response;
        var expected = new WebAuthnAssertionExpectations
        {
            Challenge = Challenge,
            Origins = [SoftwareAuthenticator.Origin],
            RpId = SoftwareAuthenticator.RpId,
            AllowCredentialIds = [authenticator.CredentialId],
        };

        foreach (var userHandle in new[] { "", "\"userHandle\": null,", $"\"userHandle\": \"{WebAuthnBase64Url.Encode(authenticator.UserHandle)}\"," })
        {
            var json = Json($$"""
                {
                  "id": "{{a.Id}}", "rawId": "{{a.RawId}}", "type": "public-key", "authenticatorAttachment": null,
                  "clientExtensionResults": {},
                  "response": { {{userHandle}} "clientDataJSON": "{{a.ClientDataJson}}", "authenticatorData": "{{a.AuthenticatorData}}", "signature": "{{a.Signature}}" }
                }
                """);

            var result = WebAuthnAssertion.Verify(json, expected, authenticator.Stored());
            Assert.True(result.Succeeded, result.Error);
        }
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"x\"")]
    [InlineData("{}")]
    [InlineData("""{"id":"AA","rawId":"AA","type":"public-key"}""")]
    [InlineData("""{"id":"AA","rawId":"AA","type":"public-key","response":[]}""")]
    [InlineData("""{"id":1,"rawId":"AA","type":"public-key","response":{"clientDataJSON":"AA","attestationObject":"AA","authenticatorData":"AA","signature":"AA"}}""")]
    [InlineData("""{"id":"AA","rawId":"AA","type":null,"response":{"clientDataJSON":"AA","attestationObject":"AA","authenticatorData":"AA","signature":"AA"}}""")]
    [InlineData("""{"id":"AA","rawId":"AA","type":"public-key","authenticatorAttachment":5,"response":{"clientDataJSON":"AA","attestationObject":"AA","authenticatorData":"AA","signature":"AA"}}""")]
    [InlineData("""{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"AA","attestationObject":"AA","authenticatorData":"AA","signature":"AA","userHandle":7,"transports":"usb"}}""")]
    [InlineData("""{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"AA","attestationObject":"AA","authenticatorData":"AA","signature":"AA","userHandle":7,"transports":[1]}}""")]
    public void Verify_ReportsMalformedResponse_ForWrongShapes(string text)
    {
        var registration = new WebAuthnRegistrationExpectations { Challenge = Challenge, Origins = ["https://a"], RpId = "a" };
        var assertion = new WebAuthnAssertionExpectations { Challenge = Challenge, Origins = ["https://a"], RpId = "a" };
        using var authenticator = SoftwareAuthenticator.Es256();

        Assert.Equal(WebAuthnErrors.MalformedResponse, WebAuthnRegistration.Verify(Json(text), registration).Error);
        Assert.Equal(WebAuthnErrors.MalformedResponse, WebAuthnAssertion.Verify(Json(text), assertion, authenticator.Stored()).Error);
    }
}
