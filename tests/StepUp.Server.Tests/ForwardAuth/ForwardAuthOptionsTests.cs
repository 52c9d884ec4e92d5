using StepUp.Server.ForwardAuth;
using StepUp.Server.Hosting;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>Start-up validation of StepUp:ForwardAuth and StepUp:TrustedProxies (every error at once).</summary>
public class ForwardAuthOptionsTests
{
    private static List<string> Validate(StepUpServerOptions options)
    {
        var result = new ForwardAuthOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures!.ToList() : [];
    }

    [Fact]
    public void Defaults_AreValid_AndForwardAuthIsOff()
    {
        var options = new StepUpServerOptions();
        Assert.Empty(Validate(options));
        Assert.Null(options.ForwardAuth.Secret);
        Assert.Equal("X-Forwarded-User", options.ForwardAuth.SubjectHeader);
        Assert.Equal("X-Forwarded-Session", options.ForwardAuth.SessionHeader);
        Assert.Null(options.ForwardAuth.SessionCookie);
        Assert.Equal("forward-auth", options.ForwardAuth.App);
        Assert.Equal(ForwardAuthBrowserMode.Unauthorized, options.ForwardAuth.BrowserMode);
    }

    [Fact]
    public void EveryProblem_IsReported()
    {
        var options = new StepUpServerOptions
        {
            TrustedProxies = ["not-an-ip"],
            ForwardAuth = new ForwardAuthOptions
            {
                Secret = "short",
                SubjectHeader = "X Forwarded User",
                SessionHeader = "",
                SessionCookie = "a;b",
                App = "no spaces please",
                BrowserMode = (ForwardAuthBrowserMode)7,
            },
        };
        var errors = Validate(options);
        Assert.Contains(errors, e => e.StartsWith("StepUp:TrustedProxies:0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Secret must be at least 16", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SubjectHeader", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SessionHeader", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SessionCookie", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("App", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("BrowserMode", StringComparison.Ordinal));
    }

    [Fact]
    public void Secret_WithoutTrustedProxies_IsRefused()
    {
        var options = new StepUpServerOptions { ForwardAuth = new ForwardAuthOptions { Secret = "a-long-enough-secret-value" } };
        Assert.Contains(Validate(options), e => e.Contains("StepUp:TrustedProxies is empty", StringComparison.Ordinal));
        options.TrustedProxies = ["127.0.0.1"];
        Assert.Empty(Validate(options));
    }

    [Fact]
    public void SessionDigest_IsKeyedHexAndNeverTheRawValue()
    {
        var a = new SessionDigest(new byte[32]);
        var b = new SessionDigest(Enumerable.Repeat((byte)1, 32).ToArray());
        var digest = a.Compute("cookie-value");
        Assert.Matches("^[0-9a-f]{64}$", digest);
        Assert.Equal(digest, a.Compute("cookie-value"));
        Assert.NotEqual(digest, a.Compute("cookie-value2"));
        Assert.NotEqual(digest, b.Compute("cookie-value"));
    }

    [Fact]
    public void ForwardSecret_MatchesOnlyOneExactValue()
    {
        var secret = new ForwardSecret("the-forward-secret-value");
        Assert.True(secret.IsConfigured);
        Assert.True(secret.Matches("the-forward-secret-value"));
        Assert.False(secret.Matches("the-forward-secret-valuE"));
        Assert.False(secret.Matches("the-forward-secret-value "));
        Assert.False(secret.Matches(new Microsoft.Extensions.Primitives.StringValues(["the-forward-secret-value", "the-forward-secret-value"])));
        Assert.False(secret.Matches(Microsoft.Extensions.Primitives.StringValues.Empty));
        Assert.False(new ForwardSecret(null).IsConfigured);
        Assert.False(new ForwardSecret(null).Matches("anything"));
    }

    [Theory]
    [InlineData("https://s.example/challenge/ch_1#sec", "https://app.example/x?a=1&b=2", "https://s.example/challenge/ch_1?return_to=https%3A%2F%2Fapp.example%2Fx%3Fa%3D1%26b%3D2#sec")]
    [InlineData("https://s.example/challenge/ch_1#sec", null, "https://s.example/challenge/ch_1#sec")]
    [InlineData("https://s.example/challenge/ch_1", "https://app.example/", "https://s.example/challenge/ch_1?return_to=https%3A%2F%2Fapp.example%2F")]
    public void ChallengeLocation_PutsReturnToBeforeTheFragment(string url, string? returnTo, string expected) =>
        Assert.Equal(expected, ForwardAuthAnswers.ChallengeLocation(url, returnTo));
}
