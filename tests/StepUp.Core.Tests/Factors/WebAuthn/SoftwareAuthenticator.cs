using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Factors.WebAuthn;
using StepUp.Core.Factors.WebAuthn.Cbor;

namespace StepUp.Core.Tests.Factors.WebAuthn;

/// <summary>
/// A software WebAuthn authenticator plus client: it makes real keys (P-256 or RSA-2048), builds
/// authenticator data, attestation objects (fmt none or packed self attestation) and
/// clientDataJSON, and signs in DER (ES256) or PKCS#1 v1.5 (RS256). Every knob of
/// <see cref="Ceremony"/> lets a test break exactly one thing.
/// </summary>
public sealed class SoftwareAuthenticator : IDisposable
{
    public const string RpId = "example.com";
    public const string Origin = "https://auth.example.com";

    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;

    private SoftwareAuthenticator(ECDsa? ec, RSA? rsa)
    {
        _ec = ec;
        _rsa = rsa;
        CredentialId = RandomNumberGenerator.GetBytes(32);
        UserHandle = RandomNumberGenerator.GetBytes(16);
        CosePublicKey = ec is not null ? EncodeEc2(ec) : EncodeRsa(rsa!);
    }

    public int Algorithm => _ec is not null ? WebAuthnAlgorithms.Es256 : WebAuthnAlgorithms.Rs256;

    public byte[] CredentialId { get; set; }

    public byte[] UserHandle { get; }

    public byte[] CosePublicKey { get; set; }

    public uint SignCount { get; set; }

    public static SoftwareAuthenticator Es256() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), null);

    public static SoftwareAuthenticator Rs256() => new(null, RSA.Create(2048));

    public static SoftwareAuthenticator Create(int algorithm) => algorithm == WebAuthnAlgorithms.Es256 ? Es256() : Rs256();

    public static byte[] NewChallenge() => RandomNumberGenerator.GetBytes(32);

    public static byte[] EncodeEc2(ECDsa key)
    {
        var q = key.ExportParameters(false).Q;
        return new CborWriter().WriteStartMap(5)
            .WriteInt64(1).WriteInt64(2)
            .WriteInt64(3).WriteInt64(-7)
            .WriteInt64(-1).WriteInt64(1)
            .WriteInt64(-2).WriteByteString(q.X)
            .WriteInt64(-3).WriteByteString(q.Y)
            .ToArray();
    }

    public static byte[] EncodeRsa(RSA key)
    {
        var p = key.ExportParameters(false);
        return new CborWriter().WriteStartMap(4)
            .WriteInt64(1).WriteInt64(3)
            .WriteInt64(3).WriteInt64(-257)
            .WriteInt64(-1).WriteByteString(p.Modulus)
            .WriteInt64(-2).WriteByteString(p.Exponent)
            .ToArray();
    }

    public byte[] Sign(byte[] data) => _ec is not null
        ? _ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
        : _rsa!.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public static byte[] ClientDataJson(Ceremony c, string type)
    {
        if (c.ClientDataJson is not null)
        {
            return c.ClientDataJson;
        }

        var json = new JsonObject
        {
            ["type"] = c.ClientDataType ?? type,
            ["challenge"] = WebAuthnBase64Url.Encode(c.Challenge),
            ["origin"] = c.Origin,
        };
        if (c.CrossOrigin is { } cross)
        {
            json["crossOrigin"] = cross;
        }

        if (c.TopOrigin is not null)
        {
            json["topOrigin"] = c.TopOrigin;
        }

        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    public byte[] AuthenticatorData(Ceremony c, bool attested)
    {
        var flags = c.Flags;
        if (attested)
        {
            flags |= 0x40;
        }

        if (c.Extensions is not null)
        {
            flags |= 0x80;
        }

        var data = new List<byte>();
        data.AddRange(SHA256.HashData(Encoding.UTF8.GetBytes(c.RpId)));
        data.Add(flags);
        var count = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, c.SignCount ?? SignCount);
        data.AddRange(count);
        if (attested)
        {
            data.AddRange(c.Aaguid.ToByteArray(bigEndian: true));
            var credentialId = c.AuthDataCredentialId ?? CredentialId;
            data.Add((byte)(credentialId.Length >> 8));
            data.Add((byte)credentialId.Length);
            data.AddRange(credentialId);
            data.AddRange(CosePublicKey);
        }

        if (c.Extensions is not null)
        {
            data.AddRange(c.Extensions);
        }

        return [.. data];
    }

    /// <summary>A registration response (what <c>credential.toJSON()</c> gives) and the raw parts it was built from.</summary>
    public Registration Register(Ceremony c)
    {
        var clientDataJson = ClientDataJson(c, "webauthn.create");
        var authData = AuthenticatorData(c, attested: true);
        var attStmt = c.AttestationStatement ?? DefaultStatement(c, authData, clientDataJson);
        var attestationObject = c.AttestationObject ?? new CborWriter().WriteStartMap(3)
            .WriteTextString("fmt").WriteTextString(c.Format)
            .WriteTextString("attStmt").WriteEncoded(attStmt)
            .WriteTextString("authData").WriteByteString(authData)
            .ToArray();
        var id = WebAuthnBase64Url.Encode(c.RawId ?? CredentialId);
        var response = new WebAuthnRegistrationResponse
        {
            Id = c.Id ?? id,
            RawId = id,
            Type = c.CredentialType,
            ClientDataJson = WebAuthnBase64Url.Encode(clientDataJson),
            AttestationObject = WebAuthnBase64Url.Encode(attestationObject),
            Transports = ["internal"],
        };
        return new Registration(response, clientDataJson, authData, attestationObject);
    }

    /// <summary>An assertion response; the counter advances by one unless the ceremony fixes it.</summary>
    public Assertion Assert(Ceremony c)
    {
        if (c.SignCount is null && SignCount != 0)
        {
            SignCount++;
        }

        var clientDataJson = ClientDataJson(c, "webauthn.get");
        var authData = c.AuthenticatorData ?? AuthenticatorData(c, attested: false);
        var signed = c.SignedData ?? [.. authData, .. SHA256.HashData(clientDataJson)];
        var signature = c.Signature ?? Sign(signed);
        var id = WebAuthnBase64Url.Encode(c.RawId ?? CredentialId);
        var response = new WebAuthnAssertionResponse
        {
            Id = c.Id ?? id,
            RawId = id,
            Type = c.CredentialType,
            ClientDataJson = WebAuthnBase64Url.Encode(clientDataJson),
            AuthenticatorData = WebAuthnBase64Url.Encode(authData),
            Signature = WebAuthnBase64Url.Encode(signature),
            UserHandle = c.UserHandle is { } handle ? WebAuthnBase64Url.Encode(handle) : null,
        };
        return new Assertion(response, clientDataJson, authData, signature);
    }

    public WebAuthnStoredCredential Stored(uint signCount = 0, bool backupEligible = false) => new()
    {
        Id = CredentialId,
        PublicKey = CosePublicKey,
        SignCount = signCount,
        BackupEligible = backupEligible,
        UserHandle = UserHandle,
    };

    public void Dispose()
    {
        _ec?.Dispose();
        _rsa?.Dispose();
    }

    private byte[] DefaultStatement(Ceremony c, byte[] authData, byte[] clientDataJson)
    {
        if (c.Format != "packed")
        {
            return new CborWriter().WriteStartMap(0).ToArray();
        }

        var signature = c.Signature ?? Sign([.. authData, .. SHA256.HashData(clientDataJson)]);
        return new CborWriter().WriteStartMap(2)
            .WriteTextString("alg").WriteInt64(c.PackedAlgorithm ?? Algorithm)
            .WriteTextString("sig").WriteByteString(signature)
            .ToArray();
    }
}

/// <summary>One ceremony's inputs; the defaults make a valid one.</summary>
public sealed record Ceremony
{
    public required byte[] Challenge { get; init; }
    public string Origin { get; init; } = SoftwareAuthenticator.Origin;
    public string RpId { get; init; } = SoftwareAuthenticator.RpId;
    public string? ClientDataType { get; init; }
    public bool? CrossOrigin { get; init; } = false;
    public string? TopOrigin { get; init; }
    public byte[]? ClientDataJson { get; init; }

    /// <summary>UP | UV by default.</summary>
    public byte Flags { get; init; } = 0x05;
    public uint? SignCount { get; init; }
    public Guid Aaguid { get; init; } = Guid.Empty;
    public byte[]? Extensions { get; init; }
    public byte[]? AuthDataCredentialId { get; init; }

    public string Format { get; init; } = "none";
    public int? PackedAlgorithm { get; init; }
    public byte[]? AttestationStatement { get; init; }
    public byte[]? AttestationObject { get; init; }

    public byte[]? AuthenticatorData { get; init; }
    public byte[]? SignedData { get; init; }
    public byte[]? Signature { get; init; }
    public byte[]? UserHandle { get; init; }

    public string CredentialType { get; init; } = "public-key";
    public string? Id { get; init; }
    public byte[]? RawId { get; init; }
}

public sealed record Registration(WebAuthnRegistrationResponse Response, byte[] ClientDataJson, byte[] AuthenticatorData, byte[] AttestationObject);

public sealed record Assertion(WebAuthnAssertionResponse Response, byte[] ClientDataJson, byte[] AuthenticatorData, byte[] Signature);
