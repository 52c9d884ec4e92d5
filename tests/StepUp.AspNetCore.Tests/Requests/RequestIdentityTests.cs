using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using StepUp.AspNetCore.Requests;

namespace StepUp.AspNetCore.Tests.Requests;

public sealed class RequestIdentityTests
{
    private static readonly StepUpOptions Defaults = new();

    private static DefaultHttpContext Request(IEnumerable<Claim> claims, Action<HttpRequest>? configure = null)
    {
        var http = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity(claims, "Test")) };
        configure?.Invoke(http.Request);
        return http;
    }

    private static string Digest(string credential) => "h-" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));

    [Fact]
    public void Subject_IsNameIdentifier_ThenSub()
    {
        Assert.Equal("alice", RequestIdentity.Subject(Request([new Claim(ClaimTypes.NameIdentifier, "alice"), new Claim("sub", "x")]).User, Defaults));
        Assert.Equal("bob", RequestIdentity.Subject(Request([new Claim("sub", "bob")]).User, Defaults));
        Assert.Null(RequestIdentity.Subject(Request([new Claim(ClaimTypes.Name, "carol")]).User, Defaults));
    }

    [Fact]
    public void Session_IsTheSidClaim_WhenPresent()
    {
        Assert.Equal("s-1", RequestIdentity.Session(Request([new Claim("sid", "s-1")], r => r.Headers.Authorization = "Bearer abc"), Defaults));
    }

    [Fact]
    public void Session_IsADigestOfTheBearerToken_ButNeverOfABasicPassword()
    {
        Assert.Equal(Digest("abc.def"), RequestIdentity.Session(Request([], r => r.Headers.Authorization = "Bearer abc.def"), Defaults));
        Assert.Null(RequestIdentity.Session(Request([], r => r.Headers.Authorization = "Basic YWxpY2U6aHVudGVyMg=="), Defaults));
    }

    [Fact]
    public void Session_IsADigestOfTheWholeAuthCookie_ChunksIncluded()
    {
        var chunked = Request([], r => r.Headers.Cookie = ".AspNetCore.Cookies=chunks-2; .AspNetCore.CookiesC1=part1; .AspNetCore.CookiesC2=part2");
        Assert.Equal(Digest("part1part2"), RequestIdentity.Session(chunked, Defaults));

        var identity = Request([], r => r.Headers.Cookie = ".AspNetCore.Identity.Application=whole");
        Assert.Equal(Digest("whole"), RequestIdentity.Session(identity, Defaults));

        var named = Request([], r => r.Headers.Cookie = "bank_session=mine; .AspNetCore.Cookies=other");
        Assert.Equal(Digest("mine"), RequestIdentity.Session(named, new StepUpOptions { SessionCookieName = "bank_session" }));
    }

    [Fact]
    public void AmrAndAuthTime_ComeFromClaims()
    {
        var user = Request([new Claim("amr", "pwd"), new Claim("amr", "hwk"), new Claim("auth_time", "1763800000")]).User;

        Assert.Equal(["pwd", "hwk"], RequestIdentity.Amr(user));
        Assert.Equal(1763800000, RequestIdentity.AuthTime(user));
    }
}
