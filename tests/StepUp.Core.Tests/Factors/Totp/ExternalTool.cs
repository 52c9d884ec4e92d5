using System.Diagnostics;
using System.Text;

namespace StepUp.Core.Tests.Factors.Totp;

/// <summary>Runs a Debian tool that serves as an outside oracle. A missing tool fails the test: it is never skipped.</summary>
internal static class ExternalTool
{
    public static string RunText(string tool, string package, IEnumerable<string> arguments) =>
        Encoding.UTF8.GetString(Run(tool, package, arguments, stdin: []));

    public static byte[] Run(string tool, string package, IEnumerable<string> arguments, byte[] stdin)
    {
        var path = Locate(tool)
            ?? throw new InvalidOperationException(
                $"'{tool}' is not installed, so this oracle test cannot run. scripts/test.sh installs it " +
                $"(APT_PACKAGES); by hand: apt-get install -y {package}");

        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        using var buffer = new MemoryStream();
        var output = process.StandardOutput.BaseStream.CopyToAsync(buffer);
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new TimeoutException($"{tool} did not finish within 30 s.");
        }

        output.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.GetAwaiter().GetResult()}");
        }

        return buffer.ToArray();
    }

    private static string? Locate(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);
}
