using StepUp.Server.ForwardAuth;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>Every spelling of a path either canonicalises to what backends route on, or is refused as ambiguous.</summary>
public class PathCanonicalizerTests
{
    [Theory]
    [InlineData("/api/transfers", "/api/transfers")]
    [InlineData("/api/./transfers", "/api/transfers")]
    [InlineData("/api/%74ransfers", "/api/transfers")]
    [InlineData("/api/%2e/transfers", "/api/transfers")]
    [InlineData("/api/%2E%2E/api/transfers", "/api/transfers")]
    [InlineData("//api/transfers", "/api/transfers")]
    [InlineData("/api///transfers", "/api/transfers")]
    [InlineData("/api/transfers/..", "/api/")]
    [InlineData("/api/transfers/.", "/api/transfers/")]
    [InlineData("/api/x/../transfers", "/api/transfers")]
    [InlineData("/api/transfers/", "/api/transfers/")]
    [InlineData("/api/transfers//", "/api/transfers/")]
    [InlineData("/", "/")]
    [InlineData("//", "/")]
    [InlineData("/a/b/../../c", "/c")]
    [InlineData("/caf%C3%A9", "/café")]
    [InlineData("/a%20b", "/a b")]
    [InlineData("/.well-known/x", "/.well-known/x")]
    [InlineData("/a/..b/c", "/a/..b/c")]
    public void Canonicalize_ResolvesEncodingsDotsAndSlashes(string raw, string expected)
    {
        var target = PathCanonicalizer.Canonicalize(raw, out var error);
        Assert.Null(error);
        Assert.Equal(expected, target!.Path);
        Assert.Null(target.Query);
    }

    [Theory]
    [InlineData("/api/transfers?x=1", "/api/transfers", "x=1")]
    [InlineData("/api/transfers?", "/api/transfers", "")]
    [InlineData("/api/./transfers?next=/../%2F&y=%zz", "/api/transfers", "next=/../%2F&y=%zz")]
    public void Canonicalize_KeepsTheQueryApart_Undecoded(string raw, string path, string query)
    {
        var target = PathCanonicalizer.Canonicalize(raw, out var error);
        Assert.Null(error);
        Assert.Equal(path, target!.Path);
        Assert.Equal(query, target.Query);
    }

    [Theory]
    [InlineData("/a/../../b", "above the root")]
    [InlineData("/..", "above the root")]
    [InlineData("/api/%2E%2E/%2e%2e/x", "above the root")]
    [InlineData("/api%2Ftransfers", "%2F")]
    [InlineData("/api%2ftransfers", "%2F")]
    [InlineData("/api/%5Ctransfers", "%5C")]
    [InlineData("/api/transfers%00", "NUL")]
    [InlineData("/api/%0atransfers", "control")]
    [InlineData("/api/%7Ftransfers", "control")]
    [InlineData("/api/%C2%85transfers", "control")]
    [InlineData("/api/%zztransfers", "malformed")]
    [InlineData("/api/transfers%2", "malformed")]
    [InlineData("/api/transfers%", "malformed")]
    [InlineData("/api/%C0%AE%C0%AE/x", "UTF-8")]
    [InlineData("/api/%C0%AEtransfers", "UTF-8")]
    [InlineData("/api/%E0%80%AE", "UTF-8")]
    [InlineData("/api/%FFtransfers", "UTF-8")]
    [InlineData("/api/%C3", "UTF-8")]
    [InlineData("/api/%ED%A0%80", "UTF-8")]
    [InlineData("/api/%252Ftransfers", "double")]
    [InlineData("/api\\transfers", "'\\'")]
    [InlineData("/api/transfers;jsessionid=1", "';'")]
    [InlineData("/api/transfers#frag", "'#'")]
    [InlineData("/api/trans fers", "raw control")]
    [InlineData("/api/trans\tfers", "raw control")]
    [InlineData("/api/café", "non-ASCII")]
    [InlineData("/a//../b", "two ways")]
    [InlineData("/a/b//..", "two ways")]
    [InlineData("api/transfers", "start with '/'")]
    [InlineData("http://evil.example/api/transfers", "start with '/'")]
    [InlineData("", "start with '/'")]
    [InlineData("?x=1", "start with '/'")]
    public void Canonicalize_RefusesAmbiguousPaths(string raw, string reason)
    {
        Assert.Null(PathCanonicalizer.Canonicalize(raw, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonicalize_RefusesOverlongTargets()
    {
        Assert.Null(PathCanonicalizer.Canonicalize("/" + new string('a', PathCanonicalizer.MaxLength), out var error));
        Assert.Contains("longer than", error, StringComparison.Ordinal);
        Assert.NotNull(PathCanonicalizer.Canonicalize("/" + new string('a', PathCanonicalizer.MaxLength - 1), out _));
    }
}
