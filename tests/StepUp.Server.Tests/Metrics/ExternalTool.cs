using System.ComponentModel;
using System.Diagnostics;

namespace StepUp.Server.Tests.Metrics;

/// <summary>Runs a command-line tool (promtool) to completion; fails loudly when it is not installed.</summary>
public static class ExternalTool
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string tool, IEnumerable<string> arguments, string? input = null)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"{tool} is not installed (apt-get install -y prometheus; scripts/test.sh installs it)", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input);
                process.StandardInput.Close();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            return new Result(process.ExitCode, await output, await error);
        }
    }

    /// <summary>The repository root (the directory holding StepUp.slnx), found from the test's build output.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StepUp.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("StepUp.slnx not found above " + AppContext.BaseDirectory);
    }
}
