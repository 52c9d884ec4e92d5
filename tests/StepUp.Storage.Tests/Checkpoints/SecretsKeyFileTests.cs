using StepUp.Core.Security;
using StepUp.Storage.Keys;

namespace StepUp.Storage.Tests.Checkpoints;

public sealed class SecretsKeyFileTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    [Fact]
    public void LoadOrCreate_CreatesAnOwnerOnlyFile_OnceAndThenReadsIt()
    {
        var path = Path.Combine(temp.Path, Guid.NewGuid().ToString("N"), SecretsKeyFile.FileName);

        var first = SecretsKeyFile.LoadOrCreate(path, out var created);
        var second = SecretsKeyFile.LoadOrCreate(path, out var createdAgain);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        Assert.True(SecretBox.TryParseKey(File.ReadAllText(path), out var onDisk));
        Assert.Equal(first, onDisk);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.False(SecretsKeyFile.IsReadableByOthers(path));
        }

        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task LoadOrCreate_FromManyThreadsAtOnce_YieldsOneKey()
    {
        var path = Path.Combine(temp.Path, Guid.NewGuid().ToString("N"), SecretsKeyFile.FileName);

        var keys = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => SecretsKeyFile.LoadOrCreate(path, out var _))));

        Assert.All(keys, k => Assert.Equal(keys[0], k));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void LoadOrCreate_RefusesAFileThatIsNotAKey()
    {
        var path = Path.Combine(temp.Path, Guid.NewGuid().ToString("N") + ".key");
        File.WriteAllText(path, "hunter2\n");

        var error = Assert.Throws<InvalidOperationException>(() => SecretsKeyFile.LoadOrCreate(path, out _));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsReadableByOthers_FlagsALooseFile()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // POSIX modes only
        }

        var path = Path.Combine(temp.Path, Guid.NewGuid().ToString("N") + ".key");
        File.WriteAllText(path, Convert.ToBase64String(SecretBox.GenerateKey()));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.True(SecretsKeyFile.IsReadableByOthers(path));
    }

    [Fact]
    public void PathBeside_IsNextToTheDatabase_AndNullInMemory()
    {
        var dbPath = temp.NewDatabasePath("beside");
        var database = temp.OpenDatabase(path: dbPath);

        Assert.Equal(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dbPath))!, "stepup.key"), SecretsKeyFile.PathBeside(database));
        Assert.Null(SecretsKeyFile.PathBeside(StepUp.Storage.Sqlite.SqliteDatabase.Open("Data Source=:memory:", TimeProvider.System)));
    }
}
