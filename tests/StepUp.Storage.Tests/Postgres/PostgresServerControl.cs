using System.Diagnostics;
using System.Text.RegularExpressions;

namespace StepUp.Storage.Tests.Postgres;

/// <summary>
/// Stops and starts the test server that <c>scripts/test.sh</c> runs (<c>pg_ctl</c> from
/// <c>STEPUP_TEST_POSTGRES_BIN</c> on <c>STEPUP_TEST_POSTGRES_DATA</c>, as user postgres when running
/// as root), restarting it with the options it was started with. Tests using it stop the server
/// every other test shares: put them in <see cref="PostgresServerRestartCollection"/>.
/// </summary>
internal static partial class PostgresServerControl
{
    private static string Bin => Required("STEPUP_TEST_POSTGRES_BIN");

    private static string Data => Required("STEPUP_TEST_POSTGRES_DATA");

    /// <summary>Fast shutdown (open sessions are terminated), waiting until the server is down.</summary>
    public static Task StopAsync() => PgCtlAsync($"-D '{Data}' -m fast -w -t 60 stop");

    /// <summary>Starts the server with the options of its last start (from <c>postmaster.opts</c>) and waits until it accepts connections.</summary>
    public static async Task StartAsync()
    {
        var options = await File.ReadAllTextAsync(Path.Combine(Data, "postmaster.opts"));
        var args = QuotedArgument().Matches(options).Select(m => m.Groups[1].Value).ToList();
        // The first argument pair is -D DATA, which pg_ctl passes itself.
        for (var i = args.IndexOf("-D"); i >= 0; i = args.IndexOf("-D"))
        {
            args.RemoveRange(i, 2);
        }

        var log = Path.Combine(Path.GetDirectoryName(Data)!, "server.log");
        await PgCtlAsync($"-D '{Data}' -l '{log}' -w -t 60 -o \"{string.Join(' ', args.Select(a => $"'{a}'"))}\" start");
    }

    private static async Task PgCtlAsync(string arguments)
    {
        var command = $"'{Bin}/pg_ctl' {arguments}";
        var start = new ProcessStartInfo { UseShellExecute = false };
        if (Environment.UserName == "root")
        {
            // initdb and postgres refuse to run as root; the cluster belongs to postgres.
            start.FileName = "su";
            foreach (var arg in (string[])["postgres", "-s", "/bin/sh", "-c", command])
            {
                start.ArgumentList.Add(arg);
            }
        }
        else
        {
            start.FileName = "/bin/sh";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot run pg_ctl");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl {arguments} exited with {process.ExitCode}");
        }
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with scripts/test.sh, which starts (and can restart) a PostgreSQL server");

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex QuotedArgument();
}

/// <summary>Tests that stop the shared PostgreSQL server: they run alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresServerRestartCollection
{
    public const string Name = "PostgreSQL server restarts";
}
