using System.Text.Json.Nodes;

namespace StepUp.Server.Tests.Metrics;

/// <summary>The shipped Prometheus config, rules and Grafana dashboard, checked by promtool and by shape.</summary>
public class DeployFilesTests
{
    private static string Deploy(params string[] parts) => Path.Combine([ExternalTool.RepositoryRoot(), "deploy", .. parts]);

    [Fact]
    public async Task Rules_PassPromtoolCheckRules()
    {
        var check = await ExternalTool.RunAsync("promtool", ["check", "rules", Deploy("prometheus", "stepup-rules.yml")]);
        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        Assert.Contains("SUCCESS", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_PassesPromtoolCheckConfig_WithItsRuleFile()
    {
        var check = await ExternalTool.RunAsync("promtool", ["check", "config", Deploy("prometheus", "prometheus.yml")]);
        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        Assert.Contains("1 rule files found", check.Output, StringComparison.Ordinal);
        var config = await File.ReadAllTextAsync(Deploy("prometheus", "prometheus.yml"), TestContext.Current.CancellationToken);
        Assert.Contains("localhost:8080", config, StringComparison.Ordinal);
        Assert.Contains("metrics_path: /metrics", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Dashboard_UsesItsDatasourceVariable_Everywhere()
    {
        var dashboard = DashboardQueries.Dashboard();
        var variables = dashboard["templating"]!["list"]!.AsArray();
        var datasource = variables.Single(v => v!["name"]!.GetValue<string>() == "datasource")!;
        Assert.Equal("datasource", datasource["type"]!.GetValue<string>());
        Assert.Equal("prometheus", datasource["query"]!.GetValue<string>());

        var panels = dashboard["panels"]!.AsArray().Select(p => p!.AsObject()).Where(p => p["type"]!.GetValue<string>() != "row").ToList();
        Assert.NotEmpty(panels);
        Assert.All(panels, p => Assert.Equal("${datasource}", p["datasource"]!["uid"]!.GetValue<string>()));
        Assert.Equal(dashboard["panels"]!.AsArray().Count, dashboard["panels"]!.AsArray().Select(p => p!["id"]!.GetValue<int>()).Distinct().Count());
        Assert.All(DashboardQueries.Expressions(), e => Assert.DoesNotContain("$", DashboardQueries.Substitute(e.Expr), StringComparison.Ordinal));
    }

    [Fact]
    public void Dashboard_CoversEveryStepUpMetricFamily()
    {
        var all = string.Join("\n", DashboardQueries.Expressions().Select(e => e.Expr));
        foreach (var metric in (string[])["stepup_step_ups_total", "stepup_challenges_total", "stepup_verification_failures_total", "stepup_alerts_total",
            "stepup_decisions_total", "stepup_decision_effects_total", "stepup_audit_commit_seconds_bucket", "stepup_audit_queue_depth", "stepup_policy_reloads_total",
            "stepup_risk_signals_total", "stepup_alert_deliveries_total", "stepup_challenge_completion_seconds_bucket", "stepup_build_info"])
        {
            Assert.Contains(metric, all, StringComparison.Ordinal);
        }
    }
}
