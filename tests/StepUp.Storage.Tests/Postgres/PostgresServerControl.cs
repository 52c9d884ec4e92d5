using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using StepUp.Storage.Postgres;

namespace StepUp.Storage.Tests.Postgres;

/// <summary>
/// A private PostgreSQL cluster that tests may stop and start: initdb in a temporary directory with
/// the binaries of <c>STEPUP_TEST_POSTGRES_BIN</c> (the server <c>scripts/test.sh</c> runs), on a free
/// loopback port, run as user postgres when the tests run as root (initdb refuses root). Private
/// rather than the shared server because other test assemblies use that one at the same time.
/// </summary>
public sealed class PostgresServerControl : IAsyncLifetime
{
    private string _directory = string.Empty;
    private string _bin = string.Empty;
    private int _port;

    /// <summary>The maintenance database's connection string (short connect timeout: the server is stopped on purpose).</summary>
    public string ServerConnectionString { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        _bin = Environment.GetEnvironmentVariable("STEPUP_TEST_POSTGRES_BIN") is { Length: > 0 } bin
            ? bin
            : throw new InvalidOperationException("STEPUP_TEST_POSTGRES_BIN is not set: run the tests with scripts/test.sh, which installs PostgreSQL and exports it");
        _directory = Directory.CreateTempSubdirectory("stepup-pg-restart-").FullName;
        await RunAsync("chmod", "755", _directory);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres", _directory);
        }

        _port = FreePort();
        ServerConnectionString = $"Host=127.0.0.1;Port={_port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Timeout=5";
        await AsPostgresAsync($"'{_bin}/initdb' -D '{_directory}/data' -A trust -U postgres --no-sync > '{_directory}/initdb.log' 2>&1");
        await StartAsync();
    }

    /// <summary>A fresh, migrated database on the cluster, as a node opens it.</summary>
    public async Task<PostgresDatabase> CreateDatabaseAsync(TimeProvider? time = null)
    {
        var name = "stepup_" + Guid.NewGuid().ToString("N")[..16];
        // Unpooled: a pooled admin connection would not survive the restarts.
        await using (var admin = new NpgsqlConnection(ServerConnectionString + ";Pooling=false"))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return await OpenDatabaseAsync(name, time);
    }

    /// <summary>Another node on an existing database.</summary>
    public Task<PostgresDatabase> OpenDatabaseAsync(string name, TimeProvider? time = null) =>
        PostgresDatabase.OpenAsync(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString, time ?? TimeProvider.System);

    /// <summary>Starts the cluster and waits until it accepts connections.</summary>
    public Task StartAsync() => AsPostgresAsync(
        $"'{_bin}/pg_ctl' -D '{_directory}/data' -l '{_directory}/server.log' -w -t 60 " +
        $"-o \"-c listen_addresses=127.0.0.1 -c port={_port.ToString(CultureInfo.InvariantCulture)} -c unix_socket_directories='{_directory}' -c fsync=on\" start > /dev/null");

    /// <summary>Fast shutdown (connected sessions are terminated), waiting until the server is down.</summary>
    public Task StopAsync() => AsPostgresAsync($"'{_bin}/pg_ctl' -D '{_directory}/data' -m fast -w -t 60 stop > /dev/null");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_directory.Length == 0)
        {
            return;
        }

        try
        {
            await AsPostgresAsync($"'{_bin}/pg_ctl' -D '{_directory}/data' -m immediate stop > /dev/null 2>&1");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
    }

    private Task AsPostgresAsync(string command) => Environment.UserName == "root"
        ? RunAsync("su", "postgres", "-s", "/bin/sh", "-c", command)
        : RunAsync("/bin/sh", "-c", command);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + file);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var error = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Tests that stop and start a PostgreSQL server: one at a time, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresServerRestartCollection : ICollectionFixture<PostgresServerControl>
{
    public const string Name = "PostgreSQL server restarts";
}
