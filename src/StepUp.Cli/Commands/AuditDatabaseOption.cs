using System.CommandLine;
using Microsoft.Data.Sqlite;
using StepUp.Storage.Sqlite;

namespace StepUp.Cli.Commands;

/// <summary>The <c>--database</c> option of the audit maintenance commands and how to open it.</summary>
internal static class AuditDatabaseOption
{
    public const string DefaultPath = "./data/stepup.db";

    public static Option<string> Create() => new("--database") { Description = $"SQLite database file (default {DefaultPath})" };

    /// <summary>Opens an existing database; null (after saying why) when there is none.</summary>
    public static SqliteDatabase? Open(string? path, TextWriter output)
    {
        path ??= DefaultPath;
        if (!File.Exists(path))
        {
            output.WriteLine($"no database at {path}");
            return null;
        }

        return SqliteDatabase.Open(new SqliteConnectionStringBuilder { DataSource = path }.ToString(), TimeProvider.System);
    }
}
