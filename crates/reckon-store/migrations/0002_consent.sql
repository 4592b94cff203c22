-- Consent per record and purpose, as the Every Casualty standards ask: for documentation,
-- for publication, for transfer to a court. Append-only: a change of mind is a new row;
-- the newest row for a record and purpose decides. `given_by` names a role (family,
-- witness, the person), never a person: identities live encrypted elsewhere.
CREATE TABLE consents (
    id          INTEGER PRIMARY KEY,
    record_id   INTEGER NOT NULL REFERENCES records (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('documentation', 'publication', 'court')),
    granted     INTEGER NOT NULL CHECK (granted IN (0, 1)),
    given_by    TEXT,
    recorded_by TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE INDEX consents_by_record ON consents (record_id, purpose, id);

CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
BEGIN SELECT RAISE(ABORT, 'consents are append-only: record a new one'); END;
CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents
BEGIN SELECT RAISE(ABORT, 'consents are append-only: record a new one'); END;
