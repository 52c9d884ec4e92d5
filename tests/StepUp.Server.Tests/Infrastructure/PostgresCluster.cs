using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace StepUp.Server.Tests.Infrastructure;

/// <summary>
/// PostgreSQL for the server tests. <see cref="SharedDatabaseAsync"/> makes a fresh database on the
/// server <c>scripts/test.sh</c> starts (<c>STEPUP_TEST_POSTGRES</c>); <see cref="StartPrivateAsync"/>
/// starts a cluster of its own (initdb in a temporary directory, a free loopback port) for tests
/// that stop and restart the server. Fails loudly, never skips, when PostgreSQL is missing.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly string? _bin;
    private readonly int _port;

    private PostgresCluster(string serverConnectionString, string? directory, string? bin, int port)
    {
        ServerConnectionString = serverConnectionString;
        _directory = directory;
        _bin = bin;
        _port = port;
    }

    /// <summary>The maintenance database's connection string.</summary>
    public string ServerConnectionString { get; }

    /// <summary>The shared server of the test run.</summary>
    public static PostgresCluster Shared() =>
        new(Environment.GetEnvironmentVariable("STEPUP_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("STEPUP_TEST_POSTGRES is not set: run the tests with scripts/test.sh, which starts a PostgreSQL server"),
            null, null, 0);

    /// <summary>A private cluster, owned by the postgres user when the tests run as root (initdb refuses root).</summary>
    public static async Task<PostgresCluster> StartPrivateAsync()
    {
        var bin = Environment.GetEnvironmentVariable("STEPUP_TEST_POSTGRES_BIN") is { Length: > 0 } configured
            ? configured
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => d, StringComparer.Ordinal).Select(d => Path.Combine(d, "bin")).LastOrDefault()
                : null;
        if (bin is null || !File.Exists(Path.Combine(bin, "initdb")))
        {
            throw new InvalidOperationException("PostgreSQL server binaries not found (apt-get install postgresql; scripts/test.sh installs it)");
        }

        var directory = Directory.CreateTempSubdirectory("stepup-pgc-").FullName;
        await RunAsync("chmod", "755", directory);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres", directory);
        }

        var port = ServerProcess.FreePort();
        var cluster = new PostgresCluster($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=5", directory, bin, port);
        await cluster.AsPostgresAsync($"{bin}/initdb -D {directory}/data -A trust -U postgres --no-sync > {directory}/initdb.log 2>&1");
        await cluster.StartAsync();
        return cluster;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "stepup_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Starts the private cluster (again).</summary>
    public Task StartAsync() => AsPostgresAsync(
        $"{_bin}/pg_ctl -D {_directory}/data -l {_directory}/server.log -w -o \"-c listen_addresses=127.0.0.1 -c port={_port.ToString(CultureInfo.InvariantCulture)} -c unix_socket_directories={_directory}\" start > /dev/null");

    /// <summary>Stops the private cluster (fast shutdown: connected sessions are cut).</summary>
    public Task StopAsync() => AsPostgresAsync($"{_bin}/pg_ctl -D {_directory}/data -m fast -w stop > /dev/null");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_directory is null)
        {
            return;
        }

        try
        {
            await AsPostgresAsync($"{_bin}/pg_ctl -D {_directory}/data -m immediate stop > /dev/null 2>&1");
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task AsPostgresAsync(string command)
    {
        if (Environment.UserName == "root")
        {
            await RunAsync("su", "postgres", "-s", "/bin/sh", "-c", command);
        }
        else
        {
            await RunAsync("sh", "-c", command);
        }
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + file);
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }
}
