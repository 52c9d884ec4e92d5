using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Pages;

/// <summary>The hosted enrolment page over HTTP, without a browser (TOTP with oathtool codes).</summary>
public class EnrollPageTests(PageServerFixture server) : IClassFixture<PageServerFixture>
{
    private async Task<string> LinkAsync(string subject)
    {
        var response = await server.Client().PostAsync($"/v1/subjects/{Uri.EscapeDataString(subject)}/enrollments", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var url = (await response.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>();
        Assert.StartsWith("/enroll/", url, StringComparison.Ordinal);
        return url;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, object? body = null) =>
        await server.Browser().PostAsJsonAsync(path, body ?? new { });

    [Theory]
    [InlineData("/enroll/unknown-token")]
    [InlineData("/enroll/x")]
    public async Task UnknownLink_IsA404Page(string path)
    {
        var response = await server.Browser().GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Link not valid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(path + "/totp")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(path + "/webauthn/options")).StatusCode);
    }

    [Fact]
    public async Task Page_EncodesTheSubject()
    {
        const string hostile = "<img src=x onerror=alert(1)>\"'&";
        var link = await LinkAsync(hostile);
        var response = await server.Browser().GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&amp;", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"../pages/assets/enroll.js\" defer></script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Totp_EnrolsTheFirstFactor_AndUsesUpTheLink()
    {
        var link = await LinkAsync("enid");
        var start = await PostAsync(link + "/totp");
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        Assert.Equal("no-store", start.Headers.CacheControl!.ToString());
        var totp = (await start.Content.ReadFromJsonAsync<JsonObject>())!;
        var secret = totp["secret"]!.GetValue<string>();
        var factorId = totp["factor_id"]!.GetValue<string>();
        var qr = totp["qr"]!.GetValue<string>();
        Assert.StartsWith("data:image/svg+xml;base64,", qr, StringComparison.Ordinal);
        Assert.Contains("<svg", Encoding.UTF8.GetString(Convert.FromBase64String(qr[26..])), StringComparison.Ordinal);

        var wrong = await PostAsync($"{link}/totp/{factorId}/activate", new { code = "000000" == Oathtool.Totp(secret, server.Clock.Now) ? "111111" : "000000" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Equal("SU1048", (await wrong.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await server.Browser().GetAsync(link)).StatusCode); // a wrong code does not use the link up

        var activated = await PostAsync($"{link}/totp/{factorId}/activate", new { code = Oathtool.Totp(secret, server.Clock.Now) });
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        var factors = await server.Client().GetFromJsonAsync<JsonObject>("/v1/subjects/enid/factors");
        Assert.Contains(factors!["factors"]!.AsArray(), f => f!["id"]!.GetValue<string>() == factorId && f["status"]!.GetValue<string>() == "active");

        Assert.Equal(HttpStatusCode.NotFound, (await server.Browser().GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(link + "/totp")).StatusCode);
        var enrolled = await server.AllEventsAsync("factor.enrolled");
        Assert.Contains(enrolled, e => e["subject"]!["id"]!.GetValue<string>() == "enid");
    }

    [Fact]
    public async Task Link_ForASubjectWithAFactor_NeedsAFactorsEnrollElevation_ThenEnrolsASecondFactor()
    {
        var secret = await server.EnrollTotpAsync("fred");
        var refused = await server.Client().PostAsync("/v1/subjects/fred/enrollments", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // Step up for factors.enroll on the challenge page (TOTP), then create the link with the elevation.
        var decision = await server.DecideAsync(new { subject = new { id = "fred", session_id = "s-1" }, action = "factors.enroll" });
        var (id, pageSecret) = PageServerFixture.Challenge(decision);
        var verified = await server.PagePostAsync($"/challenge/{id}/totp", pageSecret, new { code = Oathtool.Totp(secret, server.Clock.Now) });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var token = (await verified.Content.ReadFromJsonAsync<JsonObject>())!["elevation"]!["token"]!.GetValue<string>();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/subjects/fred/enrollments");
        create.Headers.Add("X-StepUp-Elevation", token);
        var created = await server.Client().SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var link = (await created.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.OK, (await server.Browser().GetAsync(link)).StatusCode);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var start = (await (await PostAsync(link + "/totp")).Content.ReadFromJsonAsync<JsonObject>())!;
        var activated = await PostAsync($"{link}/totp/{start["factor_id"]}/activate", new { code = Oathtool.Totp(start["secret"]!.GetValue<string>(), server.Clock.Now) });
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        var factors = await server.Client().GetFromJsonAsync<JsonObject>("/v1/subjects/fred/factors");
        Assert.Equal(2, factors!["factors"]!.AsArray().Count(f => f!["status"]!.GetValue<string>() == "active"));
    }

    [Fact]
    public async Task Link_ExpiresAfter30Minutes()
    {
        var link = await LinkAsync("hugo");
        server.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Browser().GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(link + "/webauthn/options")).StatusCode);
    }

    [Fact]
    public async Task WebAuthnOptions_AreCreationOptionsForTheLinksSubject_AndABadRegistrationIsRefused()
    {
        var link = await LinkAsync("gina");
        var options = (await (await PostAsync(link + "/webauthn/options")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("gina", options["user"]!["name"]!.GetValue<string>());
        Assert.NotNull(options["challenge"]);

        var refused = await PostAsync(link + "/webauthn", new { credential = new { id = "AAAA", rawId = "AAAA", type = "public-key", response = new { clientDataJSON = "e30", attestationObject = "oA" } } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("SU1048", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await server.Browser().GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await PostAsync(link + "/webauthn", new { name = "x" })).StatusCode);
    }
}
