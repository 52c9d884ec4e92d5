namespace StepUp.Storage.Tests.Contracts.Audit;

// The audit contracts against SQLite: a new database file per test. One file for all of them
// because each is a one-line binding of a contract to the provider.

public sealed class SqliteAuditAppenderTests(TempDirectory temp) : AuditAppenderContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteAuditFeedTests(TempDirectory temp) : AuditFeedContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteAuditReaderTests(TempDirectory temp) : AuditReaderContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteAuditForwardReaderTests(TempDirectory temp) : AuditForwardReaderContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteAuditStoreVerifierTests(TempDirectory temp) : AuditStoreVerifierContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteAuditRetentionTests(TempDirectory temp) : AuditRetentionContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteCheckpointTamperTests(TempDirectory temp) : CheckpointTamperContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteAuditRollupTests(TempDirectory temp) : AuditRollupContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;
