-- StepUp PostgreSQL schema, version 1: the audit trail (SPEC §7). Applied once, inside a transaction,
-- by PostgresMigrator. The same tables as the SQLite migrations 0001 (audit_events), 0005 (legal
-- holds) and 0007 (prune state), so both stores hold byte-identical events and one verifier reads
-- either. Signing keys and sink state are in 0002.

-- Payloads and times are stored as exact text: the hash chain covers these bytes, so the database
-- must not re-encode them.
DO $$
BEGIN
    IF current_setting('server_encoding') <> 'UTF8' THEN
        RAISE EXCEPTION 'StepUp needs a UTF8 database (this one is %): audit events are stored as exact UTF-8 text',
            current_setting('server_encoding');
    END IF;
END
$$;

-- Append-only and hash-chained. seq is assigned by the appender under the advisory lock
-- pg_advisory_xact_lock(0x5374657055704175) ("StepUpAu"), so every node extends one gap-free chain;
-- the primary key would refuse a fork even without it. `payload` is the payload's RFC 8785 text,
-- exactly the bytes payload_digest covers (text, not jsonb: jsonb would reorder and respell it);
-- NULL once erased. The extracted columns exist only for filtering (GET /v1/audit/events) and are
-- NULLed together with the payload on erasure.
CREATE TABLE audit_events (
    seq            bigint  NOT NULL PRIMARY KEY,
    id             text    NOT NULL UNIQUE,
    time           text    NOT NULL,               -- yyyy-MM-ddTHH:mm:ss.fffZ, the hashed text
    time_ms        bigint  NOT NULL,               -- the same instant as Unix milliseconds, for since/until
    type           text    NOT NULL,
    prev_hash      text    NOT NULL,
    payload_digest text    NOT NULL,
    hash           text    NOT NULL,
    payload        text    NULL,
    erased         boolean NOT NULL DEFAULT false,
    app            text    NULL,
    subject_id     text    NULL,
    session_id     text    NULL,
    action         text    NULL,
    outcome        text    NULL,
    ip             text    NULL,
    CHECK (erased = (payload IS NULL))
);

-- Every filter pages newest first by seq, so each filter column is indexed with seq.
CREATE INDEX ix_audit_events_type_seq    ON audit_events (type, seq);
CREATE INDEX ix_audit_events_subject_seq ON audit_events (subject_id, seq);
CREATE INDEX ix_audit_events_session_seq ON audit_events (session_id, seq);
CREATE INDEX ix_audit_events_action_seq  ON audit_events (action, seq);
CREATE INDEX ix_audit_events_outcome_seq ON audit_events (outcome, seq);
CREATE INDEX ix_audit_events_ip_seq      ON audit_events (ip, seq);
CREATE INDEX ix_audit_events_app_seq     ON audit_events (app, seq);
CREATE INDEX ix_audit_events_time_ms_seq ON audit_events (time_ms, seq);

-- Guard rail against bugs (not against someone with superuser access): the only change an event may
-- ever see is erasure, i.e. payload and extracted columns set to NULL and erased set to true.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq IS DISTINCT FROM OLD.seq
       OR NEW.id IS DISTINCT FROM OLD.id
       OR NEW.time IS DISTINCT FROM OLD.time
       OR NEW.time_ms IS DISTINCT FROM OLD.time_ms
       OR NEW.type IS DISTINCT FROM OLD.type
       OR NEW.prev_hash IS DISTINCT FROM OLD.prev_hash
       OR NEW.payload_digest IS DISTINCT FROM OLD.payload_digest
       OR NEW.hash IS DISTINCT FROM OLD.hash
       OR (NEW.payload IS DISTINCT FROM OLD.payload AND NEW.payload IS NOT NULL)
       OR (NEW.erased IS DISTINCT FROM OLD.erased AND NEW.erased IS NOT TRUE)
       OR (NEW.app IS DISTINCT FROM OLD.app AND NEW.app IS NOT NULL)
       OR (NEW.subject_id IS DISTINCT FROM OLD.subject_id AND NEW.subject_id IS NOT NULL)
       OR (NEW.session_id IS DISTINCT FROM OLD.session_id AND NEW.session_id IS NOT NULL)
       OR (NEW.action IS DISTINCT FROM OLD.action AND NEW.action IS NOT NULL)
       OR (NEW.outcome IS DISTINCT FROM OLD.outcome AND NEW.outcome IS NOT NULL)
       OR (NEW.ip IS DISTINCT FROM OLD.ip AND NEW.ip IS NOT NULL)
    THEN
        RAISE EXCEPTION 'audit_events is append-only: only payload erasure is allowed';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_events_append_only
BEFORE UPDATE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Rows leave only by pruning a prefix (DELETE ... WHERE seq <= n); TRUNCATE would drop the whole chain.
CREATE FUNCTION audit_events_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: TRUNCATE is not allowed';
END
$$;

CREATE TRIGGER audit_events_no_truncate
BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate();

-- Legal holds (SPEC §7 Retention): while a hold exists, neither retention, erasure nor pruning
-- touches the events it covers. scope is '*' (everything) or 'subject:<id>'.
CREATE TABLE audit_legal_holds (
    scope      text        NOT NULL PRIMARY KEY,
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL
);

-- Prefix pruning (SPEC §7 Retention): whole rows are deleted only up to a checkpoint, and the
-- chain is verified from the next event on, linked to the hash the checkpoint signed.
CREATE TABLE audit_pruned (
    id           integer     NOT NULL PRIMARY KEY CHECK (id = 1),
    through_seq  bigint      NOT NULL,
    through_hash text        NOT NULL,
    pruned_at    timestamptz NOT NULL
);
