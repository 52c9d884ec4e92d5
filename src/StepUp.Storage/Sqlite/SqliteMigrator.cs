using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;

namespace StepUp.Storage.Sqlite;

/// <summary>
/// Applies the embedded <c>Migrations/Sqlite/NNNN_name.sql</c> scripts in order, each once, all
/// pending ones in one write transaction (so two processes starting together cannot both apply).
/// </summary>
internal static class SqliteMigrator
{
    private const string ResourceMarker = ".Migrations.Sqlite.";

    /// <summary>The embedded scripts, ordered by version.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = LoadScripts();

    /// <summary>Applies pending scripts; returns the schema version afterwards.</summary>
    public static int Apply(SqliteConnection connection, TimeProvider timeProvider)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);";
        command.ExecuteNonQuery();

        var applied = new HashSet<int>();
        command.CommandText = "SELECT version FROM schema_migrations;";
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var known = Scripts.Count == 0 ? 0 : Scripts[^1].Version;
        if (applied.Count > 0 && applied.Max() > known)
        {
            throw new InvalidOperationException(
                $"The database schema is at version {applied.Max()}, newer than this StepUp build knows ({known}); upgrade StepUp.");
        }

        foreach (var (version, _, sql) in Scripts)
        {
            if (applied.Contains(version))
            {
                continue;
            }

            command.CommandText = sql;
            command.ExecuteNonQuery();
            command.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES ($version, $applied_at);";
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$version", version);
            command.Parameters.AddWithValue("$applied_at", AuditTime.ToText(timeProvider.GetUtcNow()));
            command.ExecuteNonQuery();
            command.Parameters.Clear();
            applied.Add(version);
        }

        transaction.Commit();
        return applied.Count == 0 ? 0 : applied.Max();
    }

    private static List<(int Version, string Name, string Sql)> LoadScripts()
    {
        var assembly = typeof(SqliteMigrator).Assembly;
        var scripts = new List<(int Version, string Name, string Sql)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var marker = resource.IndexOf(ResourceMarker, StringComparison.Ordinal);
            if (marker < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            // MSBuild may prefix a name that starts with a digit with '_'.
            var name = resource[(marker + ResourceMarker.Length)..].TrimStart('_');
            var digits = name.TakeWhile(char.IsAsciiDigit).Count();
            if (digits == 0)
            {
                throw new InvalidOperationException($"Migration resource '{resource}' does not start with a version number.");
            }

            var version = int.Parse(name.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
            scripts.Add((version, name, Read(assembly, resource)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"Two SQLite migrations share version {scripts[i].Version}.");
            }
        }

        return scripts;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration resource '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
