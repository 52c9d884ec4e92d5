using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Elevations;

/// <summary>A real-clock server with a public URL, so tokens carry a meaningful <c>iss</c>.</summary>
public sealed class JoseServerFixture : ServerFixture
{
    public const string PublicUrl = "https://stepup.example.test";

    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("StepUp:PublicUrl", PublicUrl)];
}

/// <summary>
/// An elevation token issued by a running StepUp (real clock: jose checks <c>exp</c> against the
/// wall clock) is verified by npm <c>jose</c> 6 against the JSON of <c>GET /.well-known/jwks.json</c>,
/// and refused by it when its signature or audience is wrong. Then introspection (RFC 7662) reports
/// it active for its own app only, and inactive once the session's elevations are revoked.
/// Needs <c>node</c> and <c>npm</c> (Debian <c>nodejs</c>, <c>npm</c>); runs <c>npm ci</c> in
/// <c>Elevations/jose</c> when <c>node_modules</c> is missing.
/// </summary>
public class JoseTokenTests(JoseServerFixture server) : IClassFixture<JoseServerFixture>
{
    private const string App = "default"; // the bootstrap key's app

    [Fact]
    public async Task ElevationToken_VerifiesWithJose_AgainstTheJwks_AndIntrospectsUntilRevoked()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = server.Client();

        // Enrol TOTP (first factor: no step-up needed) and activate it with the current code.
        var enrolment = await ReadJsonAsync(await client.PostAsync("/v1/subjects/jo/factors/totp", null, ct), HttpStatusCode.Created);
        var secret = enrolment["secret"]!.GetValue<string>();
        var activate = await client.PostAsJsonAsync($"/v1/subjects/jo/factors/totp/{enrolment["factor_id"]}/activate",
            new { code = Oathtool.Totp(secret, DateTimeOffset.UtcNow) }, ct);
        Assert.Equal(HttpStatusCode.OK, activate.StatusCode);

        // A large transfer needs a step-up (aal2, bound to the resource, once).
        var transfer = new
        {
            subject = new { id = "jo", session_id = "s-jose" },
            action = "payments.transfer",
            resource = new { type = "transfer", id = "t-42", attributes = new { amount = 25000, currency = "EUR" } },
            context = new { ip = "81.2.69.142", auth = new { level = "aal1", amr = new[] { "pwd" } } },
        };
        var decision = await ReadJsonAsync(await client.PostAsJsonAsync("/v1/decisions", transfer, ct), HttpStatusCode.OK);
        Assert.Equal("step_up", decision["decision"]!.GetValue<string>());
        var challenge = decision["challenge"]!;
        var url = challenge["url"]!.GetValue<string>();
        Assert.StartsWith(JoseServerFixture.PublicUrl + "/challenge/" + challenge["id"]!.GetValue<string>() + "#", url, StringComparison.Ordinal);

        // The activation used the current step; the next step's code is inside the ±1 window and later.
        var verify = await client.PostAsJsonAsync($"/v1/challenges/{challenge["id"]}/verify",
            new { method = "totp", code = Oathtool.Totp(secret, DateTimeOffset.UtcNow.AddSeconds(30)) }, ct);
        var verified = await ReadJsonAsync(verify, HttpStatusCode.OK);
        var token = verified["elevation"]!["token"]!.GetValue<string>();

        var jwksResponse = await server.CreateClient().GetAsync("/.well-known/jwks.json", ct); // no API key
        var jwks = await ReadJsonAsync(jwksResponse, HttpStatusCode.OK);

        var verdicts = await JoseAsync(jwks,
            Case("valid", token, App),
            Case("tampered_signature", TamperSignature(token), App),
            Case("other_audience", token, "other-app"));

        var valid = verdicts["valid"];
        Assert.True(valid["verified"]!.GetValue<bool>(), "jose refused the token: " + valid.ToJsonString());
        var header = valid["header"]!;
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal("stepup+jwt", header["typ"]!.GetValue<string>());
        var kid = header["kid"]!.GetValue<string>();
        Assert.StartsWith("token-", kid, StringComparison.Ordinal);
        var kids = jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()).ToList();
        Assert.Contains(kid, kids);
        Assert.Contains(kids, k => k.StartsWith("audit-", StringComparison.Ordinal)); // distinct audit key in the same set

        var claims = valid["payload"]!;
        Assert.Equal(JoseServerFixture.PublicUrl, claims["iss"]!.GetValue<string>());
        Assert.Equal(App, claims["aud"]!.GetValue<string>());
        Assert.Equal("jo", claims["sub"]!.GetValue<string>());
        Assert.Equal("s-jose", claims["sid"]!.GetValue<string>());
        Assert.Equal("urn:stepup:aal2", claims["acr"]!.GetValue<string>());
        Assert.Equal(["pwd", "otp", "mfa"], claims["amr"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("payments.transfer", claims["stepup_action"]!.GetValue<string>());
        Assert.True(claims["stepup_once"]!.GetValue<bool>()); // a local check must refuse it (SPEC §2)
        var jti = claims["jti"]!.GetValue<string>();
        Assert.StartsWith("el_", jti, StringComparison.Ordinal);
        var resource = claims["stepup_resource"]!;
        Assert.Equal("transfer", resource["type"]!.GetValue<string>());
        Assert.Equal("t-42", resource["id"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", resource["digest"]!.GetValue<string>());

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var authTime = claims["auth_time"]!.GetValue<long>();
        Assert.InRange(authTime, now - 30, now + 2);
        Assert.Equal(authTime + 300, claims["exp"]!.GetValue<long>()); // the rule's max_age: 5m
        Assert.InRange(claims["iat"]!.GetValue<long>(), authTime, authTime + 2);

        Assert.False(verdicts["tampered_signature"]["verified"]!.GetValue<bool>());
        Assert.Equal("ERR_JWS_SIGNATURE_VERIFICATION_FAILED", verdicts["tampered_signature"]["code"]!.GetValue<string>());
        Assert.False(verdicts["other_audience"]["verified"]!.GetValue<bool>());
        Assert.Equal("ERR_JWT_CLAIM_VALIDATION_FAILED", verdicts["other_audience"]["code"]!.GetValue<string>());
        Assert.Equal("aud", verdicts["other_audience"]["claim"]!.GetValue<string>());

        // Introspection (RFC 7662 form): active, with the same claims, for the token's own app only.
        var active = await IntrospectAsync(client, token);
        Assert.True(active["active"]!.GetValue<bool>());
        Assert.Equal("jo", active["sub"]!.GetValue<string>());
        Assert.Equal("s-jose", active["sid"]!.GetValue<string>());
        Assert.Equal("urn:stepup:aal2", active["acr"]!.GetValue<string>());
        Assert.Equal(jti, active["jti"]!.GetValue<string>());
        var otherApp = server.Client(await server.CreateKeyAsync("other-app", "decisions"));
        Assert.Equal("""{"active":false}""", (await IntrospectAsync(otherApp, token)).ToJsonString());
        Assert.Equal("""{"active":false}""", (await IntrospectAsync(client, TamperSignature(token))).ToJsonString());

        // Logout: revoking the session's elevations makes the token inactive, and useless in a decision.
        var revoke = await ReadJsonAsync(await client.DeleteAsync("/v1/sessions/s-jose/elevations", ct), HttpStatusCode.OK);
        Assert.Equal(1, revoke["revoked"]!.GetValue<int>());
        Assert.Equal("""{"active":false}""", (await IntrospectAsync(client, token)).ToJsonString());
        var withToken = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(transfer))!.AsObject();
        withToken["elevation_token"] = token;
        var after = await ReadJsonAsync(await client.PostAsJsonAsync("/v1/decisions", withToken, ct), HttpStatusCode.OK);
        Assert.Equal("step_up", after["decision"]!.GetValue<string>());
        Assert.Contains(await server.AllEventsAsync("elevation.scope_violation"), e => e["reason"]!.GetValue<string>() == "revoked");
    }

    private static JsonObject Case(string name, string token, string audience) => new()
    {
        ["name"] = name,
        ["token"] = token,
        ["issuer"] = JoseServerFixture.PublicUrl,
        ["audience"] = audience,
    };

    /// <summary>Changes one character in the middle of the signature (the last one may only carry padding bits).</summary>
    private static string TamperSignature(string token)
    {
        var signatureStart = token.LastIndexOf('.') + 1;
        var at = signatureStart + ((token.Length - signatureStart) / 2);
        var chars = token.ToCharArray();
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private static async Task<JsonObject> IntrospectAsync(HttpClient client, string token)
    {
        using var form = new FormUrlEncodedContent([new("token", token)]);
        var response = await client.PostAsync("/v1/elevations/introspect", form, TestContext.Current.CancellationToken);
        return await ReadJsonAsync(response, HttpStatusCode.OK);
    }

    private static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
            return JsonNode.Parse(text)!.AsObject();
        }
    }

    private static async Task<Dictionary<string, JsonNode>> JoseAsync(JsonObject jwks, params JsonObject[] cases)
    {
        var directory = JoseDirectory();
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "jose")))
        {
            var (installed, _, installErrors) = await RunAsync("npm", directory, TimeSpan.FromMinutes(3), "ci", "--no-audit", "--no-fund");
            Assert.True(installed == 0, "npm ci failed in " + directory + ": " + installErrors);
        }

        var input = Path.Combine(Path.GetTempPath(), $"stepup-jose-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(input, new JsonObject { ["jwks"] = jwks.DeepClone(), ["cases"] = new JsonArray([.. cases]) }.ToJsonString(),
                TestContext.Current.CancellationToken);
            var (exit, output, errors) = await RunAsync("node", directory, TimeSpan.FromMinutes(1), "verify.mjs", input);
            Assert.True(exit == 0, "node verify.mjs failed: " + errors);
            return JsonNode.Parse(output)!.AsArray().ToDictionary(v => v!["name"]!.GetValue<string>(), v => v!);
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static string JoseDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "StepUp.Server.Tests", "Elevations", "jose");
            if (File.Exists(Path.Combine(candidate, "verify.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Elevations/jose/verify.mjs not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a program; a missing <c>node</c> or <c>npm</c> is a loud failure, never a skip.</summary>
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

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + program);
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"'{program}' is not installed: this test needs Node.js and npm (apt-get install -y nodejs npm; scripts/test.sh installs them)", ex);
        }

        using (process)
        {
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
                throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}");
            }

            return (process.ExitCode, await output, await errors);
        }
    }
}
