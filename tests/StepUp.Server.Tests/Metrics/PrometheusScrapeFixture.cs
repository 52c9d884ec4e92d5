using System.Net.Http.Json;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Metrics;

/// <summary>
/// A real StepUp process with a few decisions made, scraped every second by a real Prometheus that
/// loads deploy/prometheus/stepup-rules.yml. Ready once Prometheus reports the target up.
/// </summary>
public sealed class PrometheusScrapeFixture : IAsyncLifetime
{
    public static string RulesPath => Path.Combine(ExternalTool.RepositoryRoot(), "deploy", "prometheus", "stepup-rules.yml");

    public ServerProcess StepUp { get; private set; } = null!;

    public PrometheusServer Prometheus { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        StepUp = await ServerProcess.StartAsync();
        using (var client = StepUp.Client())
        {
            foreach (var amount in (int[])[50, 12000])
            {
                var response = await client.PostAsJsonAsync("/v1/decisions", new
                {
                    subject = new { id = "prom", session_id = "s-1" },
                    action = "payments.transfer",
                    resource = new { type = "transfer", id = "t-1", attributes = new { amount } },
                    context = new { ip = "81.2.69.142", device_id = "d-1" },
                });
                response.EnsureSuccessStatusCode();
            }
        }

        Prometheus = await PrometheusServer.StartAsync(StepUp.BaseAddress, RulesPath);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var targets = await Prometheus.GetJsonAsync("/api/v1/targets");
            var active = targets["data"]!["activeTargets"]!.AsArray();
            if (active.Count > 0 && active.All(t => t!["health"]!.GetValue<string>() == "up"))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("Prometheus did not scrape StepUp within 20 s: " + (await Prometheus.GetJsonAsync("/api/v1/targets")).ToJsonString() + "\n" + Prometheus.Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }

        if (StepUp is not null)
        {
            await StepUp.DisposeAsync();
        }
    }
}
