using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Server.Metrics;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Metrics;

/// <summary><c>GET /metrics</c> over HTTP on a test server: format, no key, values that move, promtool's lint.</summary>
public class MetricsEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static object Transfer(double amount, string subject = "mia") => new
    {
        subject = new { id = subject, session_id = "s-1" },
        action = "payments.transfer",
        resource = new { type = "transfer", id = "t-1", attributes = new { amount, currency = "EUR" } },
        context = new { ip = "81.2.69.142", device_id = "d-1" },
    };

    private async Task<Dictionary<string, double>> ScrapeAsync() => Exposition.Samples(await server.Client(key: null).GetStringAsync("/metrics", TestContext.Current.CancellationToken));

    private async Task<string> DecideAsync(object body)
    {
        var response = await server.Client().PostAsJsonAsync("/v1/decisions", body, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(TestContext.Current.CancellationToken))!["decision"]!.GetValue<string>();
    }

    [Fact]
    public async Task Metrics_NeedsNoKey_AndIsPrometheusText()
    {
        var response = await server.Client(key: null).GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        foreach (var family in (string[])["stepup_decisions_total counter", "stepup_step_ups_total counter", "stepup_challenges_total counter",
            "stepup_verification_failures_total counter", "stepup_challenge_completion_seconds histogram", "stepup_risk_signals_total counter",
            "stepup_alerts_total counter", "stepup_alert_deliveries_total counter", "stepup_policy_reloads_total counter",
            "stepup_audit_queue_depth gauge", "stepup_audit_commits_total counter", "stepup_audit_events_total counter",
            "stepup_audit_commit_seconds histogram", "stepup_build_info gauge"])
        {
            Assert.Contains("# TYPE " + family + "\n", text, StringComparison.Ordinal);
        }

        var samples = Exposition.Samples(text);
        Assert.True(samples["stepup_policy_reloads_total{outcome=\"loaded\"}"] >= 1, "the start-up load is counted");
        Assert.True(samples["stepup_audit_events_total"] >= 1, "policy.loaded was audited");
        Assert.Equal(samples["stepup_audit_commit_seconds_count"], samples["stepup_audit_commit_seconds_bucket{le=\"+Inf\"}"]);
    }

    [Fact]
    public async Task Metrics_AuditFiguresMove_WithAuditedDecisions()
    {
        var before = await ScrapeAsync();
        for (var i = 0; i < 3; i++)
        {
            await DecideAsync(Transfer(50));
        }

        var after = await ScrapeAsync();
        Assert.True(after["stepup_audit_events_total"] >= before["stepup_audit_events_total"] + 3);
        Assert.True(after["stepup_audit_commits_total"] > before["stepup_audit_commits_total"]);
        Assert.True(after["stepup_audit_commit_seconds_count"] > before["stepup_audit_commit_seconds_count"]);
        Assert.Equal(after["stepup_audit_commits_total"], after["stepup_audit_commit_seconds_count"]);
        Assert.True(after["stepup_audit_queue_depth"] >= 0);
    }

    [Fact]
    public async Task Metrics_CountDecisionsByEffectAndRule_AndStepUpsByAction()
    {
        // From an office network, so neither risk nor the network rules get in the way.
        var read = new { subject = new { id = "nia", session_id = "s-2" }, action = "records.read", context = new { ip = "198.51.100.7" } };
        var payee = new { subject = new { id = "nia", session_id = "s-2" }, action = "payments.payees.add", context = new { ip = "198.51.100.7" } };
        var before = await ScrapeAsync();
        Assert.Equal("allow", await DecideAsync(read));
        Assert.Equal("allow", await DecideAsync(read));
        Assert.Equal("step_up", await DecideAsync(payee));

        var after = await ScrapeAsync();
        const string Allow = "stepup_decisions_total{effect=\"allow\",rule=\"none\"}";
        const string Payee = "stepup_decisions_total{effect=\"step_up\",rule=\"payee-change\"}";
        const string StepUps = "stepup_step_ups_total{action=\"payments.payees.add\"}";
        const string Effects = "stepup_decision_effects_total{effect=\"allow\"}";
        Assert.Equal(before.Value(Allow) + 2, after.Value(Allow));
        Assert.Equal(before.Value(Effects) + 2, after.Value(Effects));
        Assert.Equal(before.Value(Payee) + 1, after.Value(Payee));
        Assert.Equal(before.Value(StepUps) + 1, after.Value(StepUps));
    }

    [Fact]
    public async Task Metrics_ShowWhatStepUpMetricsRecords_InThisHostOnly()
    {
        var metrics = server.Services.GetRequiredService<StepUpMetrics>();
        var before = await ScrapeAsync();
        metrics.ChallengeFinished("totp", "failed", "payments.transfer", StepUp.Core.Monitoring.DeviceClass.Of("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148"), null);
        metrics.ChallengeFinished("totp", "verified", "payments.transfer", "mobile", TimeSpan.FromSeconds(12));
        metrics.AlertRaised("ip_failures");

        var after = await ScrapeAsync();
        const string Failed = "stepup_challenges_total{device_class=\"mobile\",method=\"totp\",outcome=\"failed\"}";
        const string Failures = "stepup_verification_failures_total{action=\"payments.transfer\"}";
        const string Completion = "stepup_challenge_completion_seconds_bucket{method=\"totp\",le=\"20\"}";
        Assert.Equal(before.Value(Failed) + 1, after.Value(Failed));
        Assert.Equal(before.Value(Failures) + 1, after.Value(Failures));
        Assert.Equal(before.Value(Completion) + 1, after.Value(Completion));
        Assert.Equal(before.Value("stepup_alerts_total{detector=\"ip_failures\"}") + 1, after.Value("stepup_alerts_total{detector=\"ip_failures\"}"));
    }

    [Fact]
    public async Task Metrics_CountRejectedPolicyReloads()
    {
        var original = await File.ReadAllTextAsync(server.PolicyPath, TestContext.Current.CancellationToken);
        var before = (await ScrapeAsync()).Value("stepup_policy_reloads_total{outcome=\"rejected\"}");
        await File.WriteAllTextAsync(server.PolicyPath, "version: 1\nrules:\n  - { id: broken, effect: explode }\n", TestContext.Current.CancellationToken);
        try
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                if ((await ScrapeAsync()).Value("stepup_policy_reloads_total{outcome=\"rejected\"}") > before)
                {
                    return;
                }

                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            Assert.Fail("no rejected reload counted within 10 s");
        }
        finally
        {
            await File.WriteAllTextAsync(server.PolicyPath, original, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Metrics_PassPromtoolCheckMetrics_IncludingEscapedLabelValues()
    {
        await DecideAsync(Transfer(50));
        await DecideAsync(Transfer(12000));
        var metrics = server.Services.GetRequiredService<StepUpMetrics>();
        metrics.ChallengeFinished("totp", "locked", "odd\"action\\with\nnewline", "desktop", TimeSpan.FromSeconds(3));
        metrics.RiskSignalsFired(["risk.new_device"]);
        var body = await server.Client(key: null).GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("action=\"odd\\\"action\\\\with\\nnewline\"", body, StringComparison.Ordinal);

        var check = await ExternalTool.RunAsync("promtool", ["check", "metrics"], body);
        Assert.True(check.ExitCode == 0, $"promtool check metrics exited {check.ExitCode}:\n{check.Output}{check.Error}");
        Assert.Equal(string.Empty, check.Output.Trim());
        Assert.Equal(string.Empty, check.Error.Trim());
    }
}
