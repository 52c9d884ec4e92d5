-- StepUp SQLite schema, version 1. Applied once, inside a transaction, by SqliteMigrator.
-- schema_migrations (version, applied_at) is created by the runner itself before any script runs.

-- Audit trail (SPEC §7): append-only, hash-chained. `payload` holds the payload's RFC 8785 text,
-- exactly the bytes payload_digest covers; NULL once erased. The extracted columns exist only
-- for filtering (GET /v1/audit/events) and are NULLed together with the payload on erasure.
CREATE TABLE audit_events (
    seq            INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL UNIQUE,
    time           TEXT    NOT NULL,
    time_ms        INTEGER NOT NULL,
    type           TEXT    NOT NULL,
    prev_hash      TEXT    NOT NULL,
    payload_digest TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    payload        TEXT    NULL,
    erased         INTEGER NOT NULL DEFAULT 0 CHECK (erased IN (0, 1)),
    app            TEXT    NULL,
    subject_id     TEXT    NULL,
    session_id     TEXT    NULL,
    action         TEXT    NULL,
    outcome        TEXT    NULL,
    ip             TEXT    NULL,
    CHECK ((erased = 1) = (payload IS NULL))
);

CREATE INDEX ix_audit_events_subject_seq ON audit_events (subject_id, seq);
CREATE INDEX ix_audit_events_type_seq    ON audit_events (type, seq);
CREATE INDEX ix_audit_events_app_seq     ON audit_events (app, seq);
CREATE INDEX ix_audit_events_session_seq ON audit_events (session_id, seq);
CREATE INDEX ix_audit_events_action_seq  ON audit_events (action, seq);
CREATE INDEX ix_audit_events_time_ms     ON audit_events (time_ms);

-- Guard rail against bugs (not against someone with the file): the only change an event may
-- ever see is erasure, i.e. payload and extracted columns set to NULL and erased set to 1.
CREATE TRIGGER audit_events_append_only
BEFORE UPDATE ON audit_events
WHEN NEW.seq IS NOT OLD.seq
  OR NEW.id IS NOT OLD.id
  OR NEW.time IS NOT OLD.time
  OR NEW.time_ms IS NOT OLD.time_ms
  OR NEW.type IS NOT OLD.type
  OR NEW.prev_hash IS NOT OLD.prev_hash
  OR NEW.payload_digest IS NOT OLD.payload_digest
  OR NEW.hash IS NOT OLD.hash
  OR (NEW.payload IS NOT OLD.payload AND NEW.payload IS NOT NULL)
  OR (NEW.erased IS NOT OLD.erased AND NEW.erased <> 1)
  OR (NEW.app IS NOT OLD.app AND NEW.app IS NOT NULL)
  OR (NEW.subject_id IS NOT OLD.subject_id AND NEW.subject_id IS NOT NULL)
  OR (NEW.session_id IS NOT OLD.session_id AND NEW.session_id IS NOT NULL)
  OR (NEW.action IS NOT OLD.action AND NEW.action IS NOT NULL)
  OR (NEW.outcome IS NOT OLD.outcome AND NEW.outcome IS NOT NULL)
  OR (NEW.ip IS NOT OLD.ip AND NEW.ip IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: only payload erasure is allowed');
END;

-- API keys (SPEC §3): only the SHA-256 digest of the secret is stored.
CREATE TABLE api_keys (
    id         TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    app        TEXT NOT NULL,
    scopes     TEXT NOT NULL,            -- JSON array of scope names
    digest     BLOB NOT NULL UNIQUE,     -- SHA-256 of the secret
    prefix     TEXT NOT NULL,            -- first 8 characters of the secret, for display
    created_at TEXT NOT NULL,            -- yyyy-MM-ddTHH:mm:ss.fffZ
    revoked_at TEXT NULL
);

CREATE INDEX ix_api_keys_app ON api_keys (app);
