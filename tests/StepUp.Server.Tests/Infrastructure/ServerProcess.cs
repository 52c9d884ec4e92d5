using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace StepUp.Server.Tests.Infrastructure;

/// <summary>
/// The real server as a separate process (Kestrel on a free loopback port), started from the
/// solution's build output with a temporary working directory. Fails loudly when it cannot start.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string Key = "process-test-key-0123456789";

    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private ServerProcess(Process process, string workingDirectory, string host, int port)
    {
        _process = process;
        WorkingDirectory = workingDirectory;
        BaseAddress = new Uri($"http://{host}:{port}");
    }

    public string WorkingDirectory { get; }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

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

    public static Task<ServerProcess> StartAsync(params string[] settings) => StartAsync("127.0.0.1", FreePort(), settings);

    /// <summary>
    /// Like <see cref="StartAsync(string[])"/>, but listening on <c>http://localhost:PORT</c>, which
    /// browsers treat as a secure context (WebAuthn needs one). <paramref name="settings"/> gets the
    /// port first, for settings that name it (WebAuthn origins, PublicUrl).
    /// </summary>
    public static Task<ServerProcess> StartOnLocalhostAsync(Func<int, string[]> settings)
    {
        var port = FreePort();
        return StartAsync("localhost", port, settings(port));
    }

    private static Task<ServerProcess> StartAsync(string host, int port, string[] settings) =>
        StartDllAsync(SolutionDll("src/StepUp.Server"), host, port, ["--StepUp:ApiKey=" + Key, .. settings], "/healthz");

    /// <summary>
    /// Another app of the solution (e.g. <c>samples/StepUp.Samples.Bank</c>) as a process on
    /// <c>http://127.0.0.1:<paramref name="port"/></c>, ready once <paramref name="readyPath"/> answers.
    /// </summary>
    public static Task<ServerProcess> StartAppAsync(string project, int port, string readyPath, params string[] settings) =>
        StartDllAsync(SolutionDll(project), "127.0.0.1", port, settings, readyPath);

    private static async Task<ServerProcess> StartDllAsync(string dll, string host, int port, string[] settings, string readyPath)
    {
        var workingDirectory = Directory.CreateTempSubdirectory("stepup-process-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://{host}:{port}");
        foreach (var setting in settings)
        {
            info.ArgumentList.Add(setting);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + dll);
        var server = new ServerProcess(process, workingDirectory, host, port);
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
                if ((await client.GetAsync(readyPath)).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet, or too busy to answer within the probe's timeout
            }

            await Task.Delay(100);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"{Path.GetFileName(dll)} did not answer {readyPath} within 60 s:\n" + server.Output);
    }

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    /// <summary>Sends a POSIX signal (e.g. HUP) to the server.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

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

    /// <summary>A project's dll from the solution's build output (<c>src/StepUp.Server</c> → …/bin/Release/net10.0/StepUp.Server.dll), same configuration as the tests.</summary>
    private static string SolutionDll(string project)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StepUp.slnx")))
        {
            directory = directory.Parent;
        }

        var name = Path.GetFileName(project);
        var dll = directory is null ? null : Path.Combine(directory.FullName, project, "bin", configuration, "net10.0", name + ".dll");
        return dll is not null && File.Exists(dll) ? dll : throw new FileNotFoundException($"build the solution first: {name}.dll not found", dll);
    }

    /// <summary>A free loopback TCP port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
