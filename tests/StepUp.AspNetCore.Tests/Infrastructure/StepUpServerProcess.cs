using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>
/// The real StepUp server as a separate process (Kestrel on a free loopback port), started from the
/// solution's build output in a temporary working directory. Fails loudly when it cannot start.
/// </summary>
public sealed class StepUpServerProcess : IAsyncDisposable
{
    public const string BootstrapKey = "aspnetcore-test-bootstrap-key-0123456789";

    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private StepUpServerProcess(Process process, string workingDirectory, int port)
    {
        _process = process;
        WorkingDirectory = workingDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public string WorkingDirectory { get; }

    public Uri BaseAddress { get; }

    /// <summary>The tokens' <c>iss</c>: the public URL the server is started with.</summary>
    public string Issuer => BaseAddress.GetLeftPart(UriPartial.Authority);

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

    /// <summary>Starts the server with <paramref name="policyYaml"/> as its policy and <c>StepUp:PublicUrl</c> = its own address.</summary>
    public static async Task<StepUpServerProcess> StartAsync(string policyYaml, params string[] settings)
    {
        var dll = ServerDll();
        var port = FreePort();
        var workingDirectory = Directory.CreateTempSubdirectory("stepup-aspnetcore-").FullName;
        var policyPath = Path.Combine(workingDirectory, "policy.yaml");
        await File.WriteAllTextAsync(policyPath, policyYaml);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.ArgumentList.Add("--StepUp:ApiKey=" + BootstrapKey);
        info.ArgumentList.Add("--StepUp:PolicyPath=" + policyPath);
        info.ArgumentList.Add($"--StepUp:PublicUrl=http://127.0.0.1:{port}");
        info.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        foreach (var setting in settings)
        {
            info.ArgumentList.Add(setting);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + dll);
        var server = new StepUpServerProcess(process, workingDirectory, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {process.ExitCode}:\n{server.Output}");
            }

            try
            {
                if ((await client.GetAsync("/healthz")).IsSuccessStatusCode)
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

        await server.DisposeAsync();
        throw new TimeoutException("the server did not answer /healthz within 60 s:\n" + server.Output);
    }

    /// <summary>Stops the server (kill), keeping nothing running; safe to call twice.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    /// <summary>A loopback port nobody listens on (for "StepUp is down" tests).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

    /// <summary>StepUp.Server.dll from the solution's build output, same configuration as the tests.</summary>
    private static string ServerDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StepUp.slnx")))
        {
            directory = directory.Parent;
        }

        var dll = directory is null ? null : Path.Combine(directory.FullName, "src", "StepUp.Server", "bin", configuration, "net10.0", "StepUp.Server.dll");
        return dll is not null && File.Exists(dll) ? dll : throw new FileNotFoundException("build the solution first: StepUp.Server.dll not found", dll);
    }
}
