namespace StepUp.Server.Metrics;

/// <summary><c>GET /metrics</c>: Prometheus text, no API key (like <c>/healthz</c>; keep it on a private network).</summary>
internal static class MetricsEndpoints
{
    public static void MapMetricsEndpoints(IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (MetricsCollector collector, HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return Results.Text(collector.Scrape(), PrometheusText.ContentType);
        }).WithTags("Operations").ExcludeFromDescription();
    }
}
