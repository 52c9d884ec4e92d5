-- StepUp PostgreSQL schema, part 2: everything but the audit trail — subjects' lockout state,
-- factors, recovery codes, challenges, elevations, enrolment links, pending WebAuthn registrations,
-- API keys, signing keys, audit-sink cursors and risk profiles. The same tables as SQLite
-- migrations 0001 (api_keys), 0002, 0004, 0006 and 0008, in native types: timestamptz for times
-- (written at millisecond precision, like every StepUp time), bytea for blobs, text[] for lists,
-- boolean for flags. Secrets are never stored in clear: TOTP seeds and signing keys are sealed with
-- the secrets key (StepUp:Secrets:Key, the same on every node), recovery codes, page secrets, API
-- keys and enrolment tokens are hashed.
--
-- Several nodes share these tables. The stores never read-then-write in two steps: every change
-- that must happen once (complete a challenge, accept a TOTP step, consume a `once` elevation, use
-- a recovery code or an enrolment link) is one conditional UPDATE or DELETE, which PostgreSQL
-- re-checks against the latest row version after waiting for a concurrent writer, so exactly one
-- node wins.

CREATE TABLE subjects (
    id                   text        NOT NULL PRIMARY KEY,
    consecutive_failures integer     NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    lockouts             integer     NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
    locked_until         timestamptz NULL,
    updated_at           timestamptz NOT NULL
);

CREATE TABLE factors (
    id              text        NOT NULL PRIMARY KEY,
    subject_id      text        NOT NULL,
    type            text        NOT NULL CHECK (type IN ('totp', 'webauthn')),
    name            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'active', 'removed')),
    secret          bytea       NULL,       -- TOTP seed, sealed (SecretBox)
    last_step       bigint      NULL,       -- TOTP: last accepted time step (replay protection, compare-and-set)
    credential_id   bytea       NULL UNIQUE,
    public_key      bytea       NULL,       -- COSE key
    alg             integer     NULL,
    sign_count      bigint      NULL,
    backup_eligible boolean     NULL,
    backup_state    boolean     NULL,
    aaguid          text        NULL,
    transports      text[]      NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    activated_at    timestamptz NULL,
    last_used_at    timestamptz NULL,
    removed_at      timestamptz NULL
);
CREATE INDEX ix_factors_subject ON factors (subject_id, status);

CREATE TABLE recovery_codes (
    subject_id text        NOT NULL,
    idx        integer     NOT NULL,
    hash       bytea       NOT NULL,        -- HMAC-SHA256 with the secrets-derived key
    used_at    timestamptz NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (subject_id, idx)
);

CREATE TABLE challenges (
    id                 text        NOT NULL PRIMARY KEY,
    app                text        NOT NULL,
    subject_id         text        NOT NULL,
    session_id         text        NOT NULL,
    action             text        NOT NULL,
    resource_type      text        NULL,
    resource_id        text        NULL,
    resource_digest    text        NULL,
    resource_summary   text        NULL,
    level              text        NOT NULL,
    methods            integer     NOT NULL,
    available_methods  integer     NOT NULL,
    max_age_ms         bigint      NOT NULL,
    bind_resource      boolean     NOT NULL,
    once               boolean     NOT NULL,
    status             text        NOT NULL CHECK (status IN ('pending', 'verified', 'failed', 'expired', 'locked')),
    attempts           integer     NOT NULL DEFAULT 0,
    max_attempts       integer     NOT NULL,
    page_secret_hash   bytea       NOT NULL,
    webauthn_challenge bytea       NULL,    -- the current assertion challenge, single use
    decision_id        text        NOT NULL,
    app_amr            text[]      NOT NULL,
    context_ip         text        NULL,
    context_country    text        NULL,
    context_city       text        NULL,
    context_device_id  text        NULL,
    context_user_agent text        NULL,
    created_at         timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL
);
CREATE INDEX ix_challenges_subject ON challenges (subject_id, expires_at);

CREATE TABLE elevations (
    id              text        NOT NULL PRIMARY KEY,   -- the token's jti
    app             text        NOT NULL,
    subject_id      text        NOT NULL,
    session_id      text        NOT NULL,
    level           text        NOT NULL,
    methods         integer     NOT NULL,
    amr             text[]      NOT NULL,
    auth_time       timestamptz NOT NULL,
    action          text        NOT NULL,
    resource_type   text        NULL,
    resource_id     text        NULL,
    resource_digest text        NULL,
    once            boolean     NOT NULL,
    expires_at      timestamptz NOT NULL,
    consumed_at     timestamptz NULL,
    revoked_at      timestamptz NULL,
    challenge_id    text        NOT NULL
);
CREATE INDEX ix_elevations_session ON elevations (app, session_id, expires_at);

CREATE TABLE enrollments (
    token_hash bytea       NOT NULL PRIMARY KEY,       -- SHA-256 of the link's token
    subject_id text        NOT NULL,
    app        text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz NULL
);

CREATE TABLE webauthn_registrations (
    challenge  bytea       NOT NULL PRIMARY KEY,       -- single use
    subject_id text        NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE api_keys (
    id         text        NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    app        text        NOT NULL,
    scopes     text[]      NOT NULL,
    digest     bytea       NOT NULL UNIQUE,            -- SHA-256 of the secret (the lookup key)
    prefix     text        NOT NULL,                   -- first 8 characters of the secret, for display
    created_at timestamptz NOT NULL,
    revoked_at timestamptz NULL
);
CREATE INDEX ix_api_keys_app ON api_keys (app, created_at);

-- Signing keys: the private key is sealed with the secrets key, bound to its kid (the store only
-- keeps the opaque sealed bytes); the public half is published at /.well-known/jwks.json.
CREATE TABLE signing_keys (
    kid         text        NOT NULL PRIMARY KEY,      -- "<purpose>-<RFC 7638 thumbprint>"
    purpose     text        NOT NULL CHECK (purpose IN ('audit', 'token')),
    alg         text        NOT NULL CHECK (alg = 'ES256'),
    private_key bytea       NOT NULL,                  -- SecretBox(PKCS#8), associated data "stepup/signing-key/<kid>"
    public_jwk  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    retired_at  timestamptz NULL,                      -- no longer signs; still published so old signatures verify
    CHECK (left(kid, length(purpose) + 1) = purpose || '-')
);

-- At most one active (signing) key per purpose, even with several nodes starting at once.
CREATE UNIQUE INDEX ux_signing_keys_active ON signing_keys (purpose) WHERE retired_at IS NULL;

-- Guard rail against bugs: a key never changes, except that it may be retired once; audit keys are
-- never deleted, so every checkpoint stays verifiable.
CREATE FUNCTION signing_keys_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.purpose = 'audit' THEN
            RAISE EXCEPTION 'signing_keys: audit keys are kept forever so checkpoints stay verifiable';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.kid IS DISTINCT FROM OLD.kid
       OR NEW.purpose IS DISTINCT FROM OLD.purpose
       OR NEW.alg IS DISTINCT FROM OLD.alg
       OR NEW.private_key IS DISTINCT FROM OLD.private_key
       OR NEW.public_jwk IS DISTINCT FROM OLD.public_jwk
       OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR (OLD.retired_at IS NOT NULL AND NEW.retired_at IS DISTINCT FROM OLD.retired_at) THEN
        RAISE EXCEPTION 'signing_keys: a key never changes; it can only be retired once';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER signing_keys_guard BEFORE UPDATE OR DELETE ON signing_keys
FOR EACH ROW EXECUTE FUNCTION signing_keys_guard();

-- Audit sinks (SPEC §7 Streaming): the audit log is every sink's backlog, so a sink's only state is
-- its cursor, which only moves forward after a delivery succeeded.
CREATE TABLE sink_deliveries (
    name            text        NOT NULL PRIMARY KEY,  -- StepUp:Audit:Sinks:N:Name
    last_seq        bigint      NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_attempt_at timestamptz NULL,
    last_success_at timestamptz NULL,
    failures        integer     NOT NULL DEFAULT 0 CHECK (failures >= 0),  -- consecutive failed attempts
    last_error      text        NULL                   -- short, secret-free description of the last failure
);

-- Risk signals (SPEC §5): what StepUp remembers per subject, as the opaque bytes of
-- SubjectRiskProfile.Serialize, written in batches by the write-behind flusher.
CREATE TABLE risk_profiles (
    subject_key text        NOT NULL PRIMARY KEY,
    data        bytea       NOT NULL,
    updated_at  timestamptz NOT NULL
);
