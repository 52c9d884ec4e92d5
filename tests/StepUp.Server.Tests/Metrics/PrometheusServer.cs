using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace StepUp.Server.Tests.Metrics;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package) on a free loopback port with a temporary
/// TSDB, scraping one target every second and evaluating the given rule file every second. Never
/// the package's own service: this process is started and killed by the test. Fails loudly when
/// Prometheus is missing or does not become ready.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Directory { get; }

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<PrometheusServer> StartAsync(Uri target, string rulesFile, string job = "stepup")
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("stepup-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            rule_files:
              - "{rulesFile}"
            scrape_configs:
              - job_name: {job}
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target.Authority}"]
            """);

        var port = Infrastructure.ServerProcess.FreePort();
        var info = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        info.ArgumentList.Add("--config.file=" + config);
        info.ArgumentList.Add("--storage.tsdb.path=" + Path.Combine(directory, "data"));
        info.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        info.ArgumentList.Add("--log.level=warn");

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception ex)
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException("prometheus is not installed (apt-get install -y prometheus; scripts/test.sh installs it)", ex);
        }

        var server = new PrometheusServer(process, directory, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        for (var attempt = 0; attempt < 150; attempt++)
        {
            if (process.HasExited)
            {
                var output = server.Output;
                await server.DisposeAsync();
                throw new InvalidOperationException($"prometheus exited with {process.ExitCode}:\n{output}");
            }

            try
            {
                if ((await server.Client.GetAsync("/-/ready")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        var log = server.Output;
        await server.DisposeAsync();
        throw new TimeoutException("prometheus was not ready within 15 s:\n" + log);
    }

    /// <summary>GETs an API path and returns its JSON, whatever the status code (errors are JSON too).</summary>
    public async Task<JsonObject> GetJsonAsync(string pathAndQuery)
    {
        using var response = await Client.GetAsync(pathAndQuery);
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)?.AsObject() ?? throw new InvalidOperationException($"{pathAndQuery}: not JSON: {text}");
    }

    /// <summary>Evaluates an instant PromQL query.</summary>
    public Task<JsonObject> QueryAsync(string promql) => GetJsonAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
