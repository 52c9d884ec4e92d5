using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StepUp.Server.Tests.Metrics;

/// <summary>A real Prometheus scraping a real StepUp: the dashboard's queries and the alert rules work against real data.</summary>
public class PrometheusScrapeTests(PrometheusScrapeFixture fixture) : IClassFixture<PrometheusScrapeFixture>
{
    private static string Status(JsonObject response) => response["status"]!.GetValue<string>();

    private static JsonArray Result(JsonObject response) => response["data"]!["result"]!.AsArray();

    [Fact]
    public async Task Prometheus_StoresStepUpSeries_FromTheScrape()
    {
        var up = await fixture.Prometheus.QueryAsync("up{job=\"stepup\"}");
        Assert.Equal("1", Result(up).Single()!["value"]![1]!.GetValue<string>());

        var loaded = await fixture.Prometheus.QueryAsync("stepup_policy_reloads_total{job=\"stepup\",outcome=\"loaded\"}");
        Assert.Equal("1", Result(loaded).Single()!["value"]![1]!.GetValue<string>());

        var version = await fixture.Prometheus.QueryAsync("stepup_build_info");
        Assert.NotEmpty(Result(version).Single()!["metric"]!["version"]!.GetValue<string>());

        var commits = await fixture.Prometheus.QueryAsync("stepup_audit_commit_seconds_count");
        Assert.True(double.Parse(Result(commits).Single()!["value"]![1]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task EveryDashboardQuery_Evaluates()
    {
        var expressions = DashboardQueries.Expressions();
        Assert.True(expressions.Count >= 20, $"only {expressions.Count} queries found in the dashboard");
        var failures = new List<string>();
        foreach (var (panel, expr) in expressions)
        {
            var promql = DashboardQueries.Substitute(expr);
            var response = await fixture.Prometheus.QueryAsync(promql);
            if (Status(response) != "success")
            {
                failures.Add($"{panel}: {promql}: {response["error"]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryAlertRule_IsEvaluatedWithoutError()
    {
        var expected = Regex.Matches(await File.ReadAllTextAsync(PrometheusScrapeFixture.RulesPath, TestContext.Current.CancellationToken), @"^\s*- alert:\s*(\S+)", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(expected);

        List<JsonObject> rules = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var response = await fixture.Prometheus.GetJsonAsync("/api/v1/rules?type=alert");
            rules = [.. response["data"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!.AsObject())];
            var errors = rules.Where(r => r["health"]!.GetValue<string>() == "err").Select(r => $"{r["name"]}: {r["lastError"]}").ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            if (rules.Count == expected.Length && rules.All(r => r["health"]!.GetValue<string>() == "ok"))
            {
                break;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Equal(expected, rules.Select(r => r["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(rules, r => Assert.Equal("ok", r["health"]!.GetValue<string>()));
        Assert.All(rules, r => Assert.False(r["lastEvaluation"]!.GetValue<string>().StartsWith("0001-", StringComparison.Ordinal), $"{r["name"]} never evaluated"));
        Assert.Equal("inactive", rules.Single(r => r["name"]!.GetValue<string>() == "StepUpDown")["state"]!.GetValue<string>());
    }
}
