-- Risk signals (SPEC §5): what StepUp remembers per subject (devices verified on, places used,
-- last located event) as a compact blob, and the challenge's device and user agent so that a
-- verified step-up can teach the device and metrics can tell desktop from mobile.
CREATE TABLE risk_profiles (
    subject_key TEXT    NOT NULL PRIMARY KEY,
    data        BLOB    NOT NULL,
    updated_at  TEXT    NOT NULL
);

ALTER TABLE challenges ADD COLUMN context_device_id  TEXT NULL;
ALTER TABLE challenges ADD COLUMN context_user_agent TEXT NULL;
