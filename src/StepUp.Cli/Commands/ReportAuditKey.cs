using System.Security.Cryptography;
using StepUp.Core.Security;
using StepUp.Storage.Keys;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Commands;

/// <summary>
/// Opens the active audit signing key of a database: its private key is sealed with the secrets
/// key, taken from <c>StepUp__Secrets__Key</c> when set, else from <c>stepup.key</c> beside the database.
/// </summary>
internal static class ReportAuditKey
{
    public const string SecretsVariable = "StepUp__Secrets__Key";

    /// <summary>The active audit key and its kid; null (after saying why) when it cannot be opened.</summary>
    public static async Task<(string Kid, ECDsa Key)?> OpenAsync(SqliteDatabase db, TextWriter output, CancellationToken cancellationToken)
    {
        var record = (await new SqliteSigningKeyStore(db, TimeProvider.System).ListAsync(SigningKeyPurposes.Audit, cancellationToken))
            .Where(k => k.IsActive).OrderByDescending(k => k.CreatedAt).FirstOrDefault();
        if (record is null)
        {
            output.WriteLine("the database holds no active audit signing key: start the server once to create it");
            return null;
        }

        if (!TryReadSecretsKey(db, out var secret, out var why))
        {
            output.WriteLine(why);
            return null;
        }

        using var box = new SecretBox(secret);
        CryptographicOperations.ZeroMemory(secret);
        if (!box.TryOpen(record.SealedPrivateKey.Span, SigningKeyRecord.AssociatedData(record.Kid), out var pkcs8))
        {
            output.WriteLine($"the audit key {record.Kid} was sealed with another secrets key: set {SecretsVariable} or restore stepup.key beside the database");
            return null;
        }

        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        CryptographicOperations.ZeroMemory(pkcs8);
        return (record.Kid, key);
    }

    private static bool TryReadSecretsKey(SqliteDatabase db, out byte[] key, out string why)
    {
        why = string.Empty;
        if (Environment.GetEnvironmentVariable(SecretsVariable) is { Length: > 0 } text)
        {
            if (SecretBox.TryParseKey(text, out var parsed))
            {
                key = parsed;
                return true;
            }

            key = [];
            why = $"{SecretsVariable} must be the base64 encoding of exactly 32 bytes";
            return false;
        }

        var path = SecretsKeyFile.PathBeside(db);
        if (path is null || !File.Exists(path))
        {
            key = [];
            why = $"no secrets key: set {SecretsVariable} or keep {SecretsKeyFile.FileName} beside the database";
            return false;
        }

        // The file exists, so this only reads it.
        key = SecretsKeyFile.LoadOrCreate(path, out _);
        return true;
    }
}
