using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace StepUp.AspNetCore.Tests.Hosting;

public sealed class OptionsValidationTests
{
    [Fact]
    public void InvalidOptions_AreReportedAllAtOnce_WithoutEchoingTheKey()
    {
        var services = new ServiceCollection();
        services.AddStepUp(o =>
        {
            o.Authority = new Uri("ftp://stepup.example");
            o.ApiKey = " ";
            o.Timeout = TimeSpan.Zero;
            o.ClockSkew = TimeSpan.FromHours(1);
            o.TrustedProxies.Add("10.0.0.0/8");
            o.TrustedProxies.Add("not-an-ip");
            o.DeviceCookieName = "bad name";
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StepUpOptions>>().Value);

        Assert.Equal(6, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("Authority", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ApiKey", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("TrustedProxies[1] 'not-an-ip'", StringComparison.Ordinal));
    }

    [Fact]
    public void MinimalOptions_AreValid()
    {
        var services = new ServiceCollection();
        services.AddStepUp(o =>
        {
            o.Authority = new Uri("http://localhost:8080");
            o.ApiKey = "secret-key";
            o.TrustedProxies.Add("192.0.2.1");
            o.TrustedProxies.Add("2001:db8::/32");
        });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<StepUpOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
        Assert.False(options.FailOpen);
        Assert.Equal("stepup_device", options.DeviceCookieName);
    }

    [Fact]
    public void RequireStepUp_RefusesAnActionThatIsNotADottedName()
    {
        var app = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder().Build();

        Assert.Throws<ArgumentException>(() => Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(app, "/x", () => "x").RequireStepUp("Not An Action"));
    }
}
