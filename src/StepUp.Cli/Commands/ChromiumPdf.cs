using System.ComponentModel;
using System.Diagnostics;

namespace StepUp.Cli.Commands;

/// <summary>
/// Renders an HTML file to PDF with headless Chromium (<c>--print-to-pdf</c>), in a throw-away
/// profile, without network or scripts of its own: the report is self-contained.
/// </summary>
internal static class ChromiumPdf
{
    /// <summary>The environment variable naming the Chromium executable (a path, or a name looked up on PATH).</summary>
    public const string Variable = "STEPUP_CHROMIUM";

    private static readonly string[] Names = ["chromium", "chromium-browser"];

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The executable to run: <paramref name="configured"/> (the variable's value) when set, else
    /// <c>chromium</c> or <c>chromium-browser</c> in a directory of <paramref name="searchPath"/>; null when there is none.
    /// </summary>
    public static string? Find(string? configured, string? searchPath)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
                ? (IsExecutable(configured) ? Path.GetFullPath(configured) : null)
                : OnPath(configured, searchPath);
        }

        return Names.Select(name => OnPath(name, searchPath)).FirstOrDefault(found => found is not null);
    }

    /// <summary>Prints <paramref name="html"/> to <paramref name="pdf"/> (replaced only on success); null on success, else why not.</summary>
    public static async Task<string?> RenderAsync(string chromium, string html, string pdf, CancellationToken cancellationToken)
    {
        var profile = Directory.CreateTempSubdirectory("stepup-chromium-");
        // Chromium writes the file itself: render beside the target, then move, so a failed run leaves no stale PDF looking current.
        var rendering = pdf + ".rendering";
        try
        {
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run",
                "--user-data-dir=" + profile.FullName, "--print-to-pdf=" + rendering, new Uri(Path.GetFullPath(html)).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            var (exit, error) = await RunAsync(start, cancellationToken);
            if (exit is null)
            {
                return error;
            }

            var written = new FileInfo(rendering);
            if (exit != 0 || !written.Exists || written.Length == 0)
            {
                return $"exit code {exit}, no PDF written{Tail(error)}";
            }

            File.Move(rendering, pdf, overwrite: true);
            return null;
        }
        finally
        {
            File.Delete(rendering);
            DeleteProfile(profile);
        }
    }

    /// <summary>Runs Chromium to its end; exit null with the reason when it cannot start or runs too long.</summary>
    private static async Task<(int? Exit, string Error)> RunAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception ex)
        {
            return (null, $"cannot start it ({ex.Message})");
        }

        if (process is null)
        {
            return (null, "cannot start it");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                return (null, $"it did not finish within {Timeout.TotalSeconds:0} s");
            }

            await stdout;
            return (process.ExitCode, await stderr);
        }
    }

    private static string Tail(string error)
    {
        // Chromium logs harmless noise (D-Bus, GPU) on every run: show only its last lines.
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? string.Empty : ": " + string.Join(" | ", lines.TakeLast(3));
    }

    private static string? OnPath(string name, string? searchPath)
    {
        foreach (var directory in (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, OperatingSystem.IsWindows() ? name + ".exe" : name);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        return OperatingSystem.IsWindows() ||
            (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }

    private static void DeleteProfile(DirectoryInfo profile)
    {
        try
        {
            profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A helper process of Chromium may still hold a file for a moment; a temp directory left behind is harmless.
        }
    }
}
