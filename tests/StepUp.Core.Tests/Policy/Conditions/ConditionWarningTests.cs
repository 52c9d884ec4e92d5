using static StepUp.Core.Tests.Policy.Conditions.ConditionTestKit;

namespace StepUp.Core.Tests.Policy.Conditions;

/// <summary>Load-time warnings: rules that would always or never apply because of geo data.</summary>
public sealed class ConditionWarningTests
{
    [Theory]
    [InlineData("context.geo.country == 'KP'", 1, 1, "country")]
    [InlineData("risk.new_device && context.geo['city'] == 'London'", 1, 20, "city")]
    [InlineData("has(context.geo.country) && context.geo.city == 'x'", 1, 29, "city")]
    public void Compile_Warns_WhenGeoIsReadWithoutHas(string source, int line, int column, string key)
    {
        var diagnostics = Diagnose(source);
        var warning = Assert.Single(diagnostics);
        Assert.True(warning.IsWarning);
        Assert.Equal((line, column), (warning.Line, warning.Column));
        Assert.StartsWith($"reads context.geo.{key} without has():", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has(context.geo.country) && context.geo.country in lists.sanctioned_countries")]
    [InlineData("context.geo.country == 'KP' && has(context.geo.country)")]
    [InlineData("'country' in context.geo && context.geo.country == 'KP'")]
    [InlineData("has(context.geo.asn) ? context.geo.asn == 1234 : false")]
    [InlineData("size(context.geo) > 0")]
    [InlineData("risk.new_device")]
    public void Compile_DoesNotWarn_WhenGeoReadIsGuarded(string source)
    {
        Assert.Empty(Diagnose(source));
    }

    [Fact]
    public void Compile_WarnsOncePerKey()
    {
        var diagnostics = Diagnose("context.geo.country == 'KP' || context.geo.country == 'IR' || context.geo.city == 'x'");
        Assert.Equal([1, 63], diagnostics.Select(d => d.Column));
        Assert.All(diagnostics, d => Assert.True(d.IsWarning));
    }

    [Theory]
    [InlineData("risk.new_country", 1, "signal risk.new_country cannot fire: no GeoIP database configured")]
    [InlineData("risk.impossible_travel", 1, "signal risk.impossible_travel cannot fire: no GeoIP database configured")]
    [InlineData("risk.travel_speed_kmh > 900", 1, "signal risk.travel_speed_kmh cannot fire: no GeoIP database configured")]
    [InlineData("has(context.geo.country)", 5, "context.geo is always empty: no GeoIP database configured")]
    public void Compile_Warns_WhenGeoSignalCannotFire(string source, int column, string message)
    {
        var compiled = Diagnose(source, Scope(geo: false));
        var warning = Assert.Single(compiled);
        Assert.Equal((1, column, message, true), (warning.Line, warning.Column, warning.Message, warning.IsWarning));
        Assert.NotNull(Compile(source, Scope(geo: false)));
        Assert.Empty(Diagnose(source, Scope(geo: true)));
    }

    [Fact]
    public void Compile_Warns_WhenAnonymousIpSignalCannotFire()
    {
        var warning = Assert.Single(Diagnose("risk.score > 50 || risk.anonymous_ip", Scope(anonymousIp: false)));
        Assert.Equal((1, 20, "signal risk.anonymous_ip cannot fire: no Anonymous-IP database configured"), (warning.Line, warning.Column, warning.Message));
        Assert.Empty(Diagnose("risk.anonymous_ip", Scope(anonymousIp: true)));
    }

    [Fact]
    public void Compile_ReportsBothGeoWarnings_WhenGeoIsUnavailableAndUnguarded()
    {
        var diagnostics = Diagnose("context.geo.country == 'KP' && risk.new_country && risk.new_country", Scope(geo: false));
        Assert.Equal(3, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.True(d.IsWarning));
    }

    [Theory]
    [InlineData("context.geo.country == 'KP'", true)]
    [InlineData("has(context.geo.country)", true)]
    [InlineData("size(context.geo) == 0", true)]
    [InlineData("risk.new_country", false)]
    [InlineData("context.ip == '1.2.3.4'", false)]
    public void Compile_SetsReadsGeo(string source, bool expected)
    {
        Assert.Equal(expected, Compile(source).ReadsGeo);
    }
}
