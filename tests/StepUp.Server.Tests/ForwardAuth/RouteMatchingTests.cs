using StepUp.Core.Policy;
using StepUp.Server.ForwardAuth;

namespace StepUp.Server.Tests.ForwardAuth;

/// <summary>Route path globs and the first-match route table.</summary>
public class RouteMatchingTests
{
    [Theory]
    [InlineData("/api/transfers", "/api/transfers", true)]
    [InlineData("/api/transfers", "/api/transfers/", true)]
    [InlineData("/api/transfers", "/API/Transfers", true)]
    [InlineData("/api/transfers", "/api/transfers/1", false)]
    [InlineData("/api/transfers", "/api/transfer", false)]
    [InlineData("/api/transfers", "/api", false)]
    [InlineData("/admin/**", "/admin", true)]
    [InlineData("/admin/**", "/admin/", true)]
    [InlineData("/admin/**", "/admin/users/7/role", true)]
    [InlineData("/admin/**", "/administrator", false)]
    [InlineData("/admin/**", "/", false)]
    [InlineData("/api/records/*", "/api/records/9", true)]
    [InlineData("/api/records/*", "/api/records", false)]
    [InlineData("/api/records/*", "/api/records/9/notes", false)]
    [InlineData("/api/*/notes", "/api/9/notes", true)]
    [InlineData("/a/**/z", "/a/z", true)]
    [InlineData("/a/**/z", "/a/b/c/z", true)]
    [InlineData("/a/**/z", "/a/b/c", false)]
    [InlineData("/files/*.pdf", "/files/report.PDF", true)]
    [InlineData("/files/*.pdf", "/files/.pdf", true)]
    [InlineData("/files/*.pdf", "/files/report.pdf.txt", false)]
    [InlineData("/files/a*b*c", "/files/axxbyyc", true)]
    [InlineData("/files/a*b*c", "/files/axxbyy", false)]
    [InlineData("/**", "/", true)]
    [InlineData("/**", "/anything/at/all", true)]
    [InlineData("/", "/", true)]
    [InlineData("/", "/x", false)]
    [InlineData("/café", "/CAFÉ", false)]
    public void PathGlob_Matches(string pattern, string path, bool expected) =>
        Assert.Equal(expected, PathGlob.Parse(pattern).IsMatch(path));

    [Fact]
    public void PathGlob_ManyDoubleStars_StaysFast()
    {
        var glob = PathGlob.Parse("/" + string.Join('/', Enumerable.Repeat("**/a", 30)) + "/b");
        var path = "/" + string.Join('/', Enumerable.Repeat("a", 2000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(glob.IsMatch(path));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), watch.Elapsed.ToString());
    }

    private static readonly RouteTable Table = new(
    [
        new PolicyRoute("POST", "/api/transfers", "payments.transfer"),
        new PolicyRoute("GET", "/api/reports/*", "reports.read"),
        new PolicyRoute(null, "/admin/users/**", "admin.users"),
        new PolicyRoute(null, "/admin/**", "admin.access"),
    ]);

    [Theory]
    [InlineData("POST", "/api/transfers", "payments.transfer")]
    [InlineData("post", "/api/transfers", "payments.transfer")]
    [InlineData("GET", "/api/transfers", null)]
    [InlineData("PUT", "/api/transfers", null)]
    [InlineData("GET", "/api/reports/q1", "reports.read")]
    [InlineData("HEAD", "/api/reports/q1", "reports.read")]
    [InlineData("POST", "/api/reports/q1", null)]
    [InlineData("DELETE", "/admin/users/7", "admin.users")]
    [InlineData("GET", "/admin/settings", "admin.access")]
    [InlineData("GET", "/admin", "admin.access")]
    [InlineData("GET", "/", null)]
    public void RouteTable_FirstMatchingRouteGivesTheAction(string method, string path, string? action) =>
        Assert.Equal(action, Table.Match(method, path));
}
