using Microsoft.Extensions.Options;
using StepUp.Core.Security;
using StepUp.Server.Hosting;
using StepUp.Storage.Keys;
using StepUp.Storage.Sqlite;

namespace StepUp.Server.Keys;

/// <summary>
/// Finds the key-encryption key (SPEC §8): <c>StepUp:Secrets:Key</c> when set; otherwise, with
/// SQLite, the generated <c>stepup.key</c> beside the database (created on first start, mode 0600).
/// Logs where the key comes from, never the key.
/// </summary>
internal static partial class SecretsKeyResolver
{
    public static SecretBox Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StepUpServerOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("StepUp.Secrets");
        if (!string.IsNullOrWhiteSpace(options.Secrets.Key))
        {
            if (!SecretBox.TryParseKey(options.Secrets.Key, out var configured))
            {
                throw new InvalidOperationException("StepUp:Secrets:Key must be the base64 encoding of exactly 32 bytes.");
            }

            return Seal(configured, box => LogConfigured(logger, box.KeyId));
        }

        if (!string.Equals(options.Storage.Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "StepUp:Secrets:Key is required with a shared database, so that every node can decrypt the stored secrets.");
        }

        var path = SecretsKeyFile.PathBeside(services.GetRequiredService<SqliteDatabase>());
        if (path is null)
        {
            // An in-memory database holds nothing that must outlive the process.
            return Seal(SecretBox.GenerateKey(), box => LogEphemeral(logger, box.KeyId));
        }

        var key = SecretsKeyFile.LoadOrCreate(path, out var created);
        if (SecretsKeyFile.IsReadableByOthers(path))
        {
            LogTooOpen(logger, path);
        }

        return Seal(key, box =>
        {
            if (created)
            {
                LogCreated(logger, path, box.KeyId);
            }
            else
            {
                LogLoaded(logger, path, box.KeyId);
            }
        });
    }

    private static SecretBox Seal(byte[] key, Action<SecretBox> log)
    {
        var box = new SecretBox(key);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        log(box);
        return box;
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message =
        "Generated a new secrets key at {Path} (key id {KeyId}). It decrypts the signing keys and factor secrets in the database: back it up, separately from the database, and keep it mode 0600, or set StepUp:Secrets:Key")]
    private static partial void LogCreated(ILogger logger, string path, string keyId);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Using the secrets key file {Path} (key id {KeyId})")]
    private static partial void LogLoaded(ILogger logger, string path, string keyId);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Using the secrets key from StepUp:Secrets:Key (key id {KeyId})")]
    private static partial void LogConfigured(ILogger logger, string keyId);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "The database is in memory: using a throw-away secrets key (key id {KeyId})")]
    private static partial void LogEphemeral(ILogger logger, string keyId);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "The secrets key file {Path} can be read by other users; chmod 600 it")]
    private static partial void LogTooOpen(ILogger logger, string path);
}
