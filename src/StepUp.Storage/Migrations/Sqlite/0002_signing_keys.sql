-- StepUp SQLite schema, version 2: signing keys (audit checkpoints now, elevation tokens later).
-- The private key is sealed with the secrets key (StepUp:Secrets:Key, AES-256-GCM, see SecretBox),
-- bound to its kid; the public half is stored as a JWK and published at /.well-known/jwks.json.
CREATE TABLE signing_keys (
    kid         TEXT NOT NULL PRIMARY KEY,   -- "<purpose>-<RFC 7638 thumbprint>"
    purpose     TEXT NOT NULL CHECK (purpose IN ('audit', 'token')),
    alg         TEXT NOT NULL CHECK (alg = 'ES256'),
    private_key BLOB NOT NULL,               -- SecretBox(PKCS#8), associated data "stepup/signing-key/<kid>"
    public_jwk  TEXT NOT NULL,               -- {"kty":"EC","crv":"P-256","x":…,"y":…,"kid":…,"alg":"ES256","use":"sig"}
    created_at  TEXT NOT NULL,               -- yyyy-MM-ddTHH:mm:ss.fffZ
    retired_at  TEXT NULL,                   -- no longer signs; still published so old signatures verify
    CHECK (substr(kid, 1, length(purpose) + 1) = purpose || '-')
);

-- At most one active (signing) key per purpose, even with two processes starting at once.
CREATE UNIQUE INDEX ux_signing_keys_active ON signing_keys (purpose) WHERE retired_at IS NULL;

-- Guard rail against bugs: a key never changes, except that it may be retired once; audit keys are
-- never deleted, so every checkpoint stays verifiable.
CREATE TRIGGER signing_keys_immutable
BEFORE UPDATE ON signing_keys
WHEN NEW.kid IS NOT OLD.kid
  OR NEW.purpose IS NOT OLD.purpose
  OR NEW.alg IS NOT OLD.alg
  OR NEW.private_key IS NOT OLD.private_key
  OR NEW.public_jwk IS NOT OLD.public_jwk
  OR NEW.created_at IS NOT OLD.created_at
  OR (OLD.retired_at IS NOT NULL AND NEW.retired_at IS NOT OLD.retired_at)
BEGIN
    SELECT RAISE(ABORT, 'signing_keys: a key never changes; it can only be retired once');
END;

CREATE TRIGGER signing_keys_keep_audit_keys
BEFORE DELETE ON signing_keys
WHEN OLD.purpose = 'audit'
BEGIN
    SELECT RAISE(ABORT, 'signing_keys: audit keys are kept forever so checkpoints stay verifiable');
END;
