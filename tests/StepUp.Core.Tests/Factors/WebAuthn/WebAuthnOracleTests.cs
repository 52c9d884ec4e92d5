using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Factors.WebAuthn;

namespace StepUp.Core.Tests.Factors.WebAuthn;

/// <summary>
/// Differential test against npm <c>@simplewebauthn/server</c> 14 (oracle/verify.mjs): the software
/// authenticator's ceremonies, valid and broken, must get the same verdict from both, and the
/// accepted ones the same credential data. Needs <c>node</c> and <c>npm</c> (Debian <c>nodejs</c>, <c>npm</c>);
/// the test installs the pinned package with <c>npm ci</c> when it is missing.
/// </summary>
public sealed class WebAuthnOracleTests
{
    private static readonly byte[] Challenge = SoftwareAuthenticator.NewChallenge();

    private sealed record Case(string Name, bool StepUpAccepted, JsonObject Json);

    // Where StepUp is deliberately stricter than simplewebauthn 14: L3 §8.2 self attestation says
    // "validate that alg matches the algorithm of the credentialPublicKey"; simplewebauthn only
    // checks the signature (with the key's own algorithm), so it accepts a statement that lies about alg.
    private static readonly HashSet<string> StricterThanOracle = ["reg-packed-alg-mismatch"];

    [Fact]
    public async Task SimpleWebAuthn_AgreesWithStepUp_OnValidAndBrokenCeremonies()
    {
        using var es = SoftwareAuthenticator.Es256();
        using var rs = SoftwareAuthenticator.Rs256();
        var cases = new List<Case>();
        var accepted = new Dictionary<string, (WebAuthnRegisteredCredential? Credential, WebAuthnAssertionResult? Assertion)>();

        void Register(string name, SoftwareAuthenticator a, Ceremony c, bool requireUv = false)
        {
            var registration = a.Register(c);
            var result = WebAuthnRegistration.Verify(registration.Response, new WebAuthnRegistrationExpectations
            {
                Challenge = Challenge,
                Origins = [SoftwareAuthenticator.Origin],
                RpId = SoftwareAuthenticator.RpId,
                RequireUserVerification = requireUv,
            });
            if (result.Succeeded)
            {
                accepted[name] = (result.Credential, null);
            }

            var r = registration.Response;
            cases.Add(new Case(name, result.Succeeded, Common(name, "registration", requireUv, new JsonObject
            {
                ["id"] = r.Id,
                ["rawId"] = r.RawId,
                ["type"] = r.Type,
                ["response"] = new JsonObject
                {
                    ["clientDataJSON"] = r.ClientDataJson,
                    ["attestationObject"] = r.AttestationObject,
                    ["transports"] = new JsonArray("internal"),
                },
                ["clientExtensionResults"] = new JsonObject(),
            })));
        }

        void Authenticate(string name, SoftwareAuthenticator a, Ceremony c, uint storedCount = 0, bool requireUv = false, bool backupEligible = false)
        {
            var assertion = a.Assert(c);
            var stored = a.Stored(storedCount, backupEligible);
            var result = WebAuthnAssertion.Verify(assertion.Response, new WebAuthnAssertionExpectations
            {
                Challenge = Challenge,
                Origins = [SoftwareAuthenticator.Origin],
                RpId = SoftwareAuthenticator.RpId,
                RequireUserVerification = requireUv,
                AllowCredentialIds = [a.CredentialId],
            }, stored);
            if (result.Succeeded)
            {
                accepted[name] = (null, result);
            }

            var r = assertion.Response;
            var json = Common(name, "authentication", requireUv, new JsonObject
            {
                ["id"] = r.Id,
                ["rawId"] = r.RawId,
                ["type"] = r.Type,
                ["response"] = new JsonObject
                {
                    ["clientDataJSON"] = r.ClientDataJson,
                    ["authenticatorData"] = r.AuthenticatorData,
                    ["signature"] = r.Signature,
                    ["userHandle"] = WebAuthnBase64Url.Encode(a.UserHandle),
                },
                ["clientExtensionResults"] = new JsonObject(),
            });
            json["credential"] = new JsonObject
            {
                ["id"] = WebAuthnBase64Url.Encode(a.CredentialId),
                ["publicKey"] = WebAuthnBase64Url.Encode(a.CosePublicKey),
                ["counter"] = storedCount,
            };
            cases.Add(new Case(name, result.Succeeded, json));
        }

        var valid = new Ceremony { Challenge = Challenge };
        Register("reg-es256-none", es, valid);
        Register("reg-es256-packed-uv", es, valid with { Format = "packed" }, requireUv: true);
        Register("reg-rs256-none", rs, valid);
        Register("reg-rs256-packed", rs, valid with { Format = "packed" });
        Register("reg-synced", es, valid with { Flags = 0x05 | 0x08 | 0x10, Aaguid = Guid.Parse("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"), SignCount = 3 });
        Register("reg-wrong-challenge", es, valid with { Challenge = SoftwareAuthenticator.NewChallenge() });
        Register("reg-wrong-origin", es, valid with { Origin = "https://evil.example" });
        Register("reg-wrong-rpid", es, valid with { RpId = "evil.example" });
        Register("reg-wrong-type", es, valid with { ClientDataType = "webauthn.get" });
        Register("reg-no-up", es, valid with { Flags = 0x04 });
        Register("reg-no-uv", es, valid with { Flags = 0x01 }, requireUv: true);
        Register("reg-bs-without-be", es, valid with { Flags = 0x05 | 0x10 });
        Register("reg-packed-bad-sig", es, valid with { Format = "packed", Signature = es.Sign([1, 2, 3]) });
        Register("reg-packed-rs-bad-sig", rs, valid with { Format = "packed", Signature = rs.Sign([1, 2, 3]) });
        Register("reg-packed-alg-mismatch", es, valid with { Format = "packed", PackedAlgorithm = -257 });

        Authenticate("auth-es256", es, valid with { SignCount = 8 }, storedCount: 7, requireUv: true);
        Authenticate("auth-rs256", rs, valid with { SignCount = 1 });
        Authenticate("auth-no-counter", es, valid with { SignCount = 0 });
        Authenticate("auth-synced", es, valid with { Flags = 0x05 | 0x08 | 0x10 }, backupEligible: true);
        Authenticate("auth-counter-equal", es, valid with { SignCount = 7 }, storedCount: 7);
        Authenticate("auth-counter-lower", es, valid with { SignCount = 6 }, storedCount: 7);
        Authenticate("auth-counter-reset", es, valid with { SignCount = 0 }, storedCount: 7);
        Authenticate("auth-bad-sig", es, valid with { Signature = es.Sign([1, 2, 3]) });
        Authenticate("auth-rs-bad-sig", rs, valid with { Signature = rs.Sign([1, 2, 3]) });
        Authenticate("auth-sig-over-authdata-only", es, valid with { SignedData = es.AuthenticatorData(valid, false) });
        Authenticate("auth-wrong-challenge", es, valid with { Challenge = SoftwareAuthenticator.NewChallenge() });
        Authenticate("auth-wrong-origin", es, valid with { Origin = "https://auth.example.com:8443" });
        Authenticate("auth-wrong-rpid", es, valid with { RpId = "example.org" });
        Authenticate("auth-wrong-type", es, valid with { ClientDataType = "webauthn.create" });
        Authenticate("auth-no-up", es, valid with { Flags = 0x04 });
        Authenticate("auth-no-uv", es, valid with { Flags = 0x01 }, requireUv: true);
        Authenticate("auth-bs-without-be", es, valid with { Flags = 0x05 | 0x10 });

        var verdicts = await RunOracleAsync(cases);

        Assert.Equal(cases.Count, verdicts.Count);
        foreach (var (c, node) in cases.Zip(verdicts))
        {
            var verdict = node!;
            Assert.Equal(c.Name, verdict["name"]!.GetValue<string>());
            var oracleAccepted = verdict["verified"]!.GetValue<bool>();
            if (StricterThanOracle.Contains(c.Name))
            {
                Assert.False(c.StepUpAccepted, c.Name);
                Assert.True(oracleAccepted, c.Name + ": simplewebauthn now refuses it too; drop it from StricterThanOracle");
                continue;
            }

            Assert.True(c.StepUpAccepted == oracleAccepted,
                $"{c.Name}: StepUp {(c.StepUpAccepted ? "accepted" : "refused")}, simplewebauthn {(oracleAccepted ? "accepted" : "refused")} {verdict["error"]}");

            if (accepted.TryGetValue(c.Name, out var ours))
            {
                CompareDetails(ours.Credential, ours.Assertion, verdict);
            }
        }

        Assert.Equal(9, accepted.Count);
    }

    private static void CompareDetails(WebAuthnRegisteredCredential? credential, WebAuthnAssertionResult? assertion, JsonNode verdict)
    {
        if (credential is not null)
        {
            Assert.Equal(WebAuthnBase64Url.Encode(credential.Id.Span), verdict["credentialId"]!.GetValue<string>());
            Assert.Equal(WebAuthnBase64Url.Encode(credential.PublicKey.Span), verdict["publicKey"]!.GetValue<string>());
            Assert.Equal(credential.SignCount, verdict["counter"]!.GetValue<uint>());
            Assert.Equal(credential.AttestationFormat, verdict["fmt"]!.GetValue<string>());
            Assert.Equal(credential.Aaguid, Guid.Parse(verdict["aaguid"]!.GetValue<string>()));
            Assert.Equal(credential.UserVerified, verdict["userVerified"]!.GetValue<bool>());
            Assert.Equal(credential.BackupState, verdict["backedUp"]!.GetValue<bool>());
            Assert.Equal(credential.BackupEligible ? "multiDevice" : "singleDevice", verdict["deviceType"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal(assertion!.SignCount, verdict["counter"]!.GetValue<uint>());
            Assert.Equal(assertion.UserVerified, verdict["userVerified"]!.GetValue<bool>());
            Assert.Equal(assertion.BackupState, verdict["backedUp"]!.GetValue<bool>());
            Assert.Equal(assertion.BackupEligible ? "multiDevice" : "singleDevice", verdict["deviceType"]!.GetValue<string>());
        }
    }

    private static JsonObject Common(string name, string kind, bool requireUv, JsonObject response) => new()
    {
        ["name"] = name,
        ["kind"] = kind,
        ["response"] = response,
        ["expectedChallenge"] = WebAuthnBase64Url.Encode(Challenge),
        ["expectedOrigin"] = SoftwareAuthenticator.Origin,
        ["expectedRPID"] = SoftwareAuthenticator.RpId,
        ["requireUserVerification"] = requireUv,
    };

    private static async Task<JsonArray> RunOracleAsync(List<Case> cases)
    {
        var oracle = OracleDirectory();
        if (!Directory.Exists(Path.Combine(oracle, "node_modules", "@simplewebauthn", "server")))
        {
            var (installed, _, installErrors) = await RunAsync("npm", oracle, TimeSpan.FromMinutes(3), "ci", "--no-audit", "--no-fund");
            Assert.True(installed == 0, "npm ci failed in " + oracle + ": " + installErrors);
        }

        var input = Path.Combine(Path.GetTempPath(), $"stepup-webauthn-oracle-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(input, new JsonArray([.. cases.Select(c => (JsonNode)c.Json)]).ToJsonString(), TestContext.Current.CancellationToken);
            var (exit, output, errors) = await RunAsync("node", oracle, TimeSpan.FromMinutes(1), "verify.mjs", input);
            Assert.True(exit == 0, "node verify.mjs failed: " + errors);
            return JsonNode.Parse(output)!.AsArray();
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static string OracleDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "StepUp.Core.Tests", "Factors", "WebAuthn", "oracle");
            if (File.Exists(Path.Combine(candidate, "verify.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("oracle/verify.mjs not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(string program, string directory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + program);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cts.Token);
        var errors = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }
}
