-- Prefix pruning (SPEC §7 Retention): whole rows are deleted only up to a checkpoint, and the
-- chain is verified from the next event on, linked to the hash the checkpoint signed.
CREATE TABLE audit_pruned (
    id           INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    through_seq  INTEGER NOT NULL,
    through_hash TEXT    NOT NULL,
    pruned_at    TEXT    NOT NULL
);
