using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Server.Metrics;
using StepUp.Storage;

namespace StepUp.Server.Tests.Metrics;

/// <summary>The typed recording methods, their label rules and the cardinality cap.</summary>
public sealed class StepUpMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricsCollector _collector;
    private readonly FakeAuditStats _audit = new();
    private readonly StepUpMetrics _metrics;

    public StepUpMetricsTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _collector = new MetricsCollector(factory);
        _metrics = new StepUpMetrics(factory, _audit);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _collector.Dispose();
        _services.Dispose();
    }

    private Dictionary<string, double> Scrape() => Exposition.Samples(_collector.Scrape());

    [Fact]
    public void DecisionMade_CountsOncePerRule_NoneWhenNoRule_AndStepUpsByAction()
    {
        _metrics.DecisionMade("allow", [], "payments.transfer");
        _metrics.DecisionMade("step_up", ["large-transfer", "foreign-currency-transfer"], "payments.transfer");
        _metrics.DecisionMade("deny", ["frozen-account"], "payments.transfer");

        var samples = Scrape();
        Assert.Equal(1, samples["stepup_decisions_total{effect=\"allow\",rule=\"none\"}"]);
        Assert.Equal(1, samples["stepup_decisions_total{effect=\"step_up\",rule=\"large-transfer\"}"]);
        Assert.Equal(1, samples["stepup_decisions_total{effect=\"step_up\",rule=\"foreign-currency-transfer\"}"]);
        Assert.Equal(1, samples["stepup_decisions_total{effect=\"deny\",rule=\"frozen-account\"}"]);
        Assert.Equal(1, samples["stepup_decision_effects_total{effect=\"step_up\"}"]);
        Assert.Equal(1, samples["stepup_decision_effects_total{effect=\"allow\"}"]);
        Assert.Equal(1, samples["stepup_step_ups_total{action=\"payments.transfer\"}"]);
        Assert.Single(samples.Keys, k => k.StartsWith("stepup_step_ups_total", StringComparison.Ordinal));
    }

    [Fact]
    public void ActionLabel_IsCapped_FurtherValuesBecomeOther()
    {
        for (var i = 0; i < StepUpMetrics.MaxActions + 50; i++)
        {
            _metrics.DecisionMade("step_up", ["r"], "action." + i);
        }

        _metrics.DecisionMade("step_up", ["r"], "action.0"); // an admitted value stays itself
        var stepUps = Scrape().Where(s => s.Key.StartsWith("stepup_step_ups_total{", StringComparison.Ordinal)).ToDictionary();

        Assert.Equal(StepUpMetrics.MaxActions + 1, stepUps.Count);
        Assert.Equal(50, stepUps["stepup_step_ups_total{action=\"other\"}"]);
        Assert.Equal(2, stepUps["stepup_step_ups_total{action=\"action.0\"}"]);
        Assert.False(stepUps.ContainsKey($"stepup_step_ups_total{{action=\"action.{StepUpMetrics.MaxActions}\"}}"));
    }

    [Fact]
    public async Task LabelValueCap_NeverAdmitsMoreThanItsLimit_UnderRaces()
    {
        var cap = new LabelValueCap(10);
        var results = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                results.Add(cap.Apply("v" + (i % 50)));
            }
        })));

        Assert.Equal(10, cap.Count);
        Assert.Equal(11, results.Distinct().Count()); // ten values and "other"
    }

    [Fact]
    public void ChallengeFinished_CountsByMethodOutcomeDevice_FailuresByAction_AndCompletionTime()
    {
        _metrics.ChallengeFinished("totp", "verified", "payments.transfer", "mobile", TimeSpan.FromSeconds(7));
        _metrics.ChallengeFinished("totp", "failed", "payments.transfer", "desktop", null);
        _metrics.ChallengeFinished("webauthn", "expired", "admin.users.role.update", "other", null);

        var samples = Scrape();
        Assert.Equal(1, samples["stepup_challenges_total{device_class=\"mobile\",method=\"totp\",outcome=\"verified\"}"]);
        Assert.Equal(1, samples["stepup_challenges_total{device_class=\"desktop\",method=\"totp\",outcome=\"failed\"}"]);
        Assert.Equal(1, samples["stepup_challenges_total{device_class=\"other\",method=\"webauthn\",outcome=\"expired\"}"]);
        Assert.Equal(1, samples["stepup_verification_failures_total{action=\"payments.transfer\"}"]);
        Assert.Equal(1, samples["stepup_verification_failures_total{action=\"admin.users.role.update\"}"]);
        Assert.Equal(0, samples["stepup_challenge_completion_seconds_bucket{method=\"totp\",le=\"5\"}"]);
        Assert.Equal(1, samples["stepup_challenge_completion_seconds_bucket{method=\"totp\",le=\"10\"}"]);
        Assert.Equal(1, samples["stepup_challenge_completion_seconds_bucket{method=\"totp\",le=\"300\"}"]);
        Assert.Equal(7, samples["stepup_challenge_completion_seconds_sum{method=\"totp\"}"]);
        Assert.Equal(1, samples["stepup_challenge_completion_seconds_count{method=\"totp\"}"]);
        Assert.False(samples.ContainsKey("stepup_challenge_completion_seconds_count{method=\"webauthn\"}"));
    }

    [Fact]
    public void RiskAlertsDeliveriesAndPolicy_AreCounted_WithZeroSeriesFromTheStart()
    {
        var initial = Scrape();
        Assert.Equal(0, initial["stepup_policy_reloads_total{outcome=\"loaded\"}"]);
        Assert.Equal(0, initial["stepup_policy_reloads_total{outcome=\"rejected\"}"]);
        Assert.Equal(0, initial["stepup_alert_deliveries_total{outcome=\"failure\"}"]);

        _metrics.RiskSignalsFired(["risk.new_device", "risk.new_ip"]);
        _metrics.RiskSignalsFired(["risk.new_ip"]);
        _metrics.AlertRaised("subject_failures");
        _metrics.AlertDelivered("failure");
        _metrics.PolicyReloaded("loaded");
        _metrics.PolicyReloaded("rejected");

        var samples = Scrape();
        Assert.Equal(1, samples["stepup_risk_signals_total{signal=\"risk.new_device\"}"]);
        Assert.Equal(2, samples["stepup_risk_signals_total{signal=\"risk.new_ip\"}"]);
        Assert.Equal(1, samples["stepup_alerts_total{detector=\"subject_failures\"}"]);
        Assert.Equal(1, samples["stepup_alert_deliveries_total{outcome=\"failure\"}"]);
        Assert.Equal(0, samples["stepup_alert_deliveries_total{outcome=\"success\"}"]);
        Assert.Equal(1, samples["stepup_policy_reloads_total{outcome=\"loaded\"}"]);
        Assert.Equal(1, samples["stepup_policy_reloads_total{outcome=\"rejected\"}"]);
    }

    [Fact]
    public void AuditFigures_ComeFromTheAppenderStats_AndCommitLatencyIsAHistogram()
    {
        _audit.QueueDepth = 12;
        _audit.Commits = 40;
        _audit.EventsAppended = 100;
        _audit.LastCommitLatency = TimeSpan.FromMilliseconds(3);
        Assert.NotNull(_audit.CommitObserved);
        _audit.CommitObserved!(TimeSpan.FromMilliseconds(0.4));
        _audit.CommitObserved!(TimeSpan.FromMilliseconds(3));
        _audit.CommitObserved!(TimeSpan.FromSeconds(2));

        var samples = Scrape();
        Assert.Equal(12, samples["stepup_audit_queue_depth"]);
        Assert.Equal(40, samples["stepup_audit_commits_total"]);
        Assert.Equal(100, samples["stepup_audit_events_total"]);
        Assert.Equal(0.003, samples["stepup_audit_last_commit_seconds"], 6);
        Assert.Equal(1, samples["stepup_audit_commit_seconds_bucket{le=\"0.0005\"}"]);
        Assert.Equal(1, samples["stepup_audit_commit_seconds_bucket{le=\"0.001\"}"]);
        Assert.Equal(2, samples["stepup_audit_commit_seconds_bucket{le=\"0.005\"}"]);
        Assert.Equal(2, samples["stepup_audit_commit_seconds_bucket{le=\"1\"}"]);
        Assert.Equal(3, samples["stepup_audit_commit_seconds_bucket{le=\"+Inf\"}"]);
        Assert.Equal(3, samples["stepup_audit_commit_seconds_count"]);
        Assert.Equal(1, samples[$"stepup_build_info{{version=\"{StepUpMetrics.Version}\"}}"]);

        _metrics.Dispose();
        Assert.Null(_audit.CommitObserved);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "mobile")]
    [InlineData("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", "mobile")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "mobile")]
    [InlineData("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36", "mobile")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "mobile")]
    [InlineData("Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0", "mobile")]
    [InlineData("Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063", "mobile")]
    [InlineData("Mozilla/5.0 (Mobile; LYF/F300B/LYF-F300B-001-01-15-130718-i;Android; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5", "mobile")]
    [InlineData("Opera/9.80 (J2ME/MIDP; Opera Mini/5.1.21214/28.2725; U; ru) Presto/2.8.119 Version/11.10", "mobile")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "desktop")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68", "desktop")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "desktop")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", "desktop")]
    [InlineData("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", "desktop")]
    [InlineData("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "desktop")]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "other")]
    [InlineData("curl/8.5.0", "other")]
    [InlineData("python-requests/2.31.0", "other")]
    [InlineData("Mozilla/5.0", "other")]
    [InlineData("", "other")]
    [InlineData(null, "other")]
    public void DeviceClass_FromRealUserAgents(string? userAgent, string expected) => Assert.Equal(expected, StepUp.Core.Monitoring.DeviceClass.Of(userAgent));

    private sealed class FakeAuditStats : IAuditAppenderStats
    {
        public int QueueDepth { get; set; }

        public TimeSpan LastCommitLatency { get; set; }

        public long Commits { get; set; }

        public long EventsAppended { get; set; }

        public Action<TimeSpan>? CommitObserved { get; set; }
    }
}
