-- Audit sinks (SPEC §7 Streaming): the audit log itself is every sink's backlog, so a sink's only
-- state is its cursor: every event with seq <= last_seq that the sink's type filter selects has
-- been delivered. The cursor only moves forward, after a delivery succeeded; on a restart the sink
-- resumes after it. The other columns are for monitoring (GET /v1/audit/sinks).
CREATE TABLE sink_deliveries (
    name            TEXT    NOT NULL PRIMARY KEY,       -- StepUp:Audit:Sinks:N:Name
    last_seq        INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_attempt_at TEXT    NULL,                       -- yyyy-MM-ddTHH:mm:ss.fffZ
    last_success_at TEXT    NULL,
    failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),  -- consecutive failed attempts
    last_error      TEXT    NULL                        -- short, secret-free description of the last failure
);
