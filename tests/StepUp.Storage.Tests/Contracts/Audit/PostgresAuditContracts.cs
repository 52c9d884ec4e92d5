namespace StepUp.Storage.Tests.Contracts.Audit;

// The audit contracts against the PostgreSQL test server: a new database per test. One file for
// all of them because each is a one-line binding of a contract to the provider.

public sealed class PostgresAuditAppenderTests() : AuditAppenderContract(new PostgresStoreProvider());

public sealed class PostgresAuditFeedTests() : AuditFeedContract(new PostgresStoreProvider());

public sealed class PostgresAuditReaderTests() : AuditReaderContract(new PostgresStoreProvider());

public sealed class PostgresAuditForwardReaderTests() : AuditForwardReaderContract(new PostgresStoreProvider());

public sealed class PostgresAuditStoreVerifierTests() : AuditStoreVerifierContract(new PostgresStoreProvider());

public sealed class PostgresAuditRetentionTests() : AuditRetentionContract(new PostgresStoreProvider());

public sealed class PostgresCheckpointTamperTests() : CheckpointTamperContract(new PostgresStoreProvider());

public sealed class PostgresAuditRollupTests() : AuditRollupContract(new PostgresStoreProvider());
