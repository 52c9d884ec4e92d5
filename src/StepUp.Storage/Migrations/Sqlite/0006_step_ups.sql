-- Step-ups (SPEC §2, §3): subjects' lockout state, factors, recovery codes, challenges,
-- elevations, enrolment links and pending WebAuthn registrations. Secrets are never stored in
-- clear: TOTP seeds are sealed with the secrets key, recovery codes and page secrets are hashed.

CREATE TABLE subjects (
    id                   TEXT    NOT NULL PRIMARY KEY,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    lockouts             INTEGER NOT NULL DEFAULT 0,
    locked_until_ms      INTEGER NULL,
    updated_at           TEXT    NOT NULL
);

CREATE TABLE factors (
    id              TEXT    NOT NULL PRIMARY KEY,
    subject_id      TEXT    NOT NULL,
    type            TEXT    NOT NULL CHECK (type IN ('totp', 'webauthn')),
    name            TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'active', 'removed')),
    secret          BLOB    NULL,       -- TOTP seed, sealed (SecretBox)
    last_step       INTEGER NULL,       -- TOTP: last accepted time step (replay protection)
    credential_id   BLOB    NULL UNIQUE,
    public_key      BLOB    NULL,       -- COSE key
    alg             INTEGER NULL,
    sign_count      INTEGER NULL,
    backup_eligible INTEGER NULL,
    backup_state    INTEGER NULL,
    aaguid          TEXT    NULL,
    transports      TEXT    NULL,       -- JSON array
    created_at      TEXT    NOT NULL,
    activated_at    TEXT    NULL,
    last_used_at    TEXT    NULL,
    removed_at      TEXT    NULL
);
CREATE INDEX ix_factors_subject ON factors (subject_id, status);

CREATE TABLE recovery_codes (
    subject_id TEXT    NOT NULL,
    idx        INTEGER NOT NULL,
    hash       BLOB    NOT NULL,        -- HMAC-SHA256 with the secrets-derived key
    used_at    TEXT    NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (subject_id, idx)
);

CREATE TABLE challenges (
    id                 TEXT    NOT NULL PRIMARY KEY,
    app                TEXT    NOT NULL,
    subject_id         TEXT    NOT NULL,
    session_id         TEXT    NOT NULL,
    action             TEXT    NOT NULL,
    resource_type      TEXT    NULL,
    resource_id        TEXT    NULL,
    resource_digest    TEXT    NULL,
    resource_summary   TEXT    NULL,
    level              TEXT    NOT NULL,
    methods            INTEGER NOT NULL,
    available_methods  INTEGER NOT NULL,
    max_age_ms         INTEGER NOT NULL,
    bind_resource      INTEGER NOT NULL,
    once               INTEGER NOT NULL,
    status             TEXT    NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    max_attempts       INTEGER NOT NULL,
    page_secret_hash   BLOB    NOT NULL,
    webauthn_challenge BLOB    NULL,    -- the current assertion challenge, single use
    decision_id        TEXT    NOT NULL,
    app_amr            TEXT    NOT NULL, -- JSON array
    context_ip         TEXT    NULL,
    context_country    TEXT    NULL,
    context_city       TEXT    NULL,
    created_at         TEXT    NOT NULL,
    expires_at_ms      INTEGER NOT NULL
);
CREATE INDEX ix_challenges_subject ON challenges (subject_id, expires_at_ms);

CREATE TABLE elevations (
    id              TEXT    NOT NULL PRIMARY KEY,   -- the token's jti
    app             TEXT    NOT NULL,
    subject_id      TEXT    NOT NULL,
    session_id      TEXT    NOT NULL,
    level           TEXT    NOT NULL,
    methods         INTEGER NOT NULL,
    amr             TEXT    NOT NULL,               -- JSON array
    auth_time_ms    INTEGER NOT NULL,
    action          TEXT    NOT NULL,
    resource_type   TEXT    NULL,
    resource_id     TEXT    NULL,
    resource_digest TEXT    NULL,
    once            INTEGER NOT NULL,
    expires_at_ms   INTEGER NOT NULL,
    consumed_at     TEXT    NULL,
    revoked_at      TEXT    NULL,
    challenge_id    TEXT    NOT NULL
);
CREATE INDEX ix_elevations_session ON elevations (app, session_id, expires_at_ms);

CREATE TABLE enrollments (
    token_hash    BLOB    NOT NULL PRIMARY KEY,    -- SHA-256 of the link's token
    subject_id    TEXT    NOT NULL,
    app           TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    used_at       TEXT    NULL
);

CREATE TABLE webauthn_registrations (
    challenge     BLOB    NOT NULL PRIMARY KEY,    -- single use
    subject_id    TEXT    NOT NULL,
    expires_at_ms INTEGER NOT NULL
);
