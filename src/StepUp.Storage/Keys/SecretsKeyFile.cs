using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using StepUp.Core.Security;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Keys;

/// <summary>
/// The generated secrets key of a SQLite installation (SPEC §8): <c>stepup.key</c> beside the
/// database, one line of base64, mode 0600, created atomically on first start.
/// </summary>
public static class SecretsKeyFile
{
    /// <summary>The file name beside the database.</summary>
    public const string FileName = "stepup.key";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Threads of one process take turns; processes rely on the move that refuses to overwrite.
    private static readonly Lock Gate = new();

    /// <summary>Where the key file of <paramref name="database"/> lives; null for an in-memory database.</summary>
    public static string? PathBeside(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var builder = new SqliteConnectionStringBuilder(database.ConnectionString);
        var dataSource = builder.DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory ||
            dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataSource)) ?? ".", FileName);
    }

    /// <summary>Reads the key at <paramref name="path"/>, creating it (owner-only) when there is none.</summary>
    /// <param name="path">The key file.</param>
    /// <param name="created">True when this call created the file.</param>
    /// <exception cref="InvalidOperationException">The file exists but does not hold a base64 32-byte key.</exception>
    /// <exception cref="IOException">The file cannot be read or written.</exception>
    public static byte[] LoadOrCreate(string path, out bool created)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        lock (Gate)
        {
            return LoadOrCreateLocked(path, out created);
        }
    }

    private static byte[] LoadOrCreateLocked(string path, out bool created)
    {
        created = false;
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return Read(full);
        }

        var directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, "." + FileName + "." + RandomTokens.UrlSafe(6) + ".tmp");
        var key = SecretBox.GenerateKey();
        var text = Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(text);
                stream.Flush(flushToDisk: true);
            }

            // Moving without overwrite fails if another process created the file first; then use theirs.
            File.Move(temp, full, overwrite: false);
            created = true;
            return key;
        }
        catch (IOException) when (File.Exists(full))
        {
            CryptographicOperations.ZeroMemory(key);
            return Read(full);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(text);
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>True when group or others may access the file (it should be 0600).</summary>
    public static bool IsReadableByOthers(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        return (File.GetUnixFileMode(path) & ~(OwnerOnly | UnixFileMode.UserExecute)) != 0;
    }

    private static byte[] Read(string path)
    {
        var text = File.ReadAllText(path);
        return SecretBox.TryParseKey(text, out var key)
            ? key
            : throw new InvalidOperationException($"The secrets key file {path} does not hold a base64-encoded 32-byte key.");
    }
}
