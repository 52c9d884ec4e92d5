using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using StepUp.Core.Factors.Totp;
using StepUp.Core.Factors.WebAuthn;
using StepUp.Core.Factors.WebAuthn.Cbor;

namespace StepUp.Benchmarks;

/// <summary>
/// Issue 3's hot paths: TOTP verification (target ≤ 3 µs median) and a WebAuthn assertion with a
/// cached parsed key, side by side with a bare <see cref="ECDsa.VerifyData(byte[], byte[], HashAlgorithmName, DSASignatureFormat)"/>
/// on the same key and bytes (target: the assertion at ≥ 0.8× the bare verification's rate).
/// Run: <c>dotnet run -c Release --project bench/StepUp.Benchmarks -- --filter '*FactorVerification*'</c>.
/// </summary>
[MemoryDiagnoser]
public class FactorVerificationBenchmarks
{
    private const string RpId = "localhost";
    private const string Origin = "http://localhost:8080";

    private readonly byte[] _seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private readonly DateTimeOffset _now = new(2026, 11, 22, 8, 0, 10, TimeSpan.Zero);
    private string _code = string.Empty;

    private ECDsa _key = null!;
    private byte[] _signedData = null!;
    private byte[] _signature = null!;
    private WebAuthnAssertionResponse _response = null!;
    private WebAuthnAssertionExpectations _expected = null!;
    private WebAuthnStoredCredential _stored = null!;
    private WebAuthnPublicKey _parsedKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        _code = TotpCode.Generate(_seed, _now);

        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = _key.ExportParameters(false);
        var cose = new CborWriter().WriteStartMap(5)
            .WriteInt64(1).WriteInt64(2)
            .WriteInt64(3).WriteInt64(-7)
            .WriteInt64(-1).WriteInt64(1)
            .WriteInt64(-2).WriteByteString(parameters.Q.X)
            .WriteInt64(-3).WriteByteString(parameters.Q.Y)
            .ToArray();
        var credentialId = RandomNumberGenerator.GetBytes(32);
        var challenge = RandomNumberGenerator.GetBytes(32);
        var userHandle = SHA256.HashData("stepup/user/bench"u8);

        var authData = new byte[37];
        SHA256.HashData(Encoding.UTF8.GetBytes(RpId)).CopyTo(authData, 0);
        authData[32] = 0x05; // UP | UV, BE = 0
        authData[36] = 7;     // sign count 7
        var clientData = Encoding.UTF8.GetBytes($"{{\"type\":\"webauthn.get\",\"challenge\":\"{WebAuthnBase64Url.Encode(challenge)}\",\"origin\":\"{Origin}\",\"crossOrigin\":false}}");
        _signedData = [.. authData, .. SHA256.HashData(clientData)];
        _signature = _key.SignData(_signedData, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        _response = new WebAuthnAssertionResponse
        {
            Id = WebAuthnBase64Url.Encode(credentialId),
            RawId = WebAuthnBase64Url.Encode(credentialId),
            Type = "public-key",
            ClientDataJson = WebAuthnBase64Url.Encode(clientData),
            AuthenticatorData = WebAuthnBase64Url.Encode(authData),
            Signature = WebAuthnBase64Url.Encode(_signature),
            UserHandle = WebAuthnBase64Url.Encode(userHandle),
        };
        _expected = new WebAuthnAssertionExpectations
        {
            Challenge = challenge,
            Origins = [Origin],
            RpId = RpId,
            RequireUserVerification = true,
            AllowCredentialIds = [credentialId],
        };
        _stored = new WebAuthnStoredCredential { Id = credentialId, PublicKey = cose, SignCount = 3, BackupEligible = false, UserHandle = userHandle };
        if (!WebAuthnPublicKey.TryParse(cose, out var parsed, out var error))
        {
            throw new InvalidOperationException(error);
        }

        _parsedKey = parsed;
        var check = WebAuthnAssertion.Verify(_response, _expected, _stored, _parsedKey);
        if (!check.Succeeded)
        {
            throw new InvalidOperationException("the benchmark's assertion does not verify: " + check.Error);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _key.Dispose();
        _parsedKey.Dispose();
    }

    [Benchmark(Description = "TOTP verify (±1 step, replay rule)")]
    public bool TotpVerify() => TotpVerifier.Verify(_seed, _code, _now, null).Accepted;

    [Benchmark(Baseline = true, Description = "bare ECDsa.VerifyData (P-256, DER)")]
    public bool BareEcdsaVerify() => _key.VerifyData(_signedData, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    [Benchmark(Description = "WebAuthn assertion verify (all L3 checks, cached key)")]
    public bool WebAuthnAssertionVerify() => WebAuthnAssertion.Verify(_response, _expected, _stored, _parsedKey).Succeeded;
}
