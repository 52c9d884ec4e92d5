using Microsoft.Data.Sqlite;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests;

/// <summary>A temporary directory per test class; each test gets its own database file in it.</summary>
public sealed class TempDirectory : IDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private int _counter;

    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "stepup-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string NewDatabasePath(string? subdirectory = null)
    {
        var n = Interlocked.Increment(ref _counter);
        return subdirectory is null
            ? System.IO.Path.Combine(Path, $"db{n}.db")
            : System.IO.Path.Combine(Path, subdirectory, $"db{n}.db");
    }

    public SqliteDatabase OpenDatabase(TimeProvider? time = null, string? path = null) =>
        SqliteDatabase.Open($"Data Source={path ?? NewDatabasePath()}", time ?? new ManualTimeProvider(Epoch));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A test that failed may still hold a file open; the OS temp cleaner gets it later.
        }
    }
}
