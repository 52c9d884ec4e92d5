-- Legal holds (SPEC §7 Retention): while a hold exists, neither retention, erasure nor pruning
-- touches the events it covers. scope is '*' (everything) or 'subject:<id>'.
CREATE TABLE audit_legal_holds (
    scope      TEXT NOT NULL PRIMARY KEY,
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
