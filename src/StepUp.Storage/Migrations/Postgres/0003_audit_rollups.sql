-- Hourly counters for the admin overview (StepUp.Core.Audit.AuditRollup), written in the same
-- transaction as the events they count. They start at zero when this migration runs: events
-- stored before are not counted. Pruning and erasure do not decrease them.
CREATE TABLE audit_rollups (
    hour  bigint NOT NULL,
    key   text   NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (hour, key)
);
