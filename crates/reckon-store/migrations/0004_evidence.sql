-- Evidence: files attached to sources and records (photos, documents, recordings), kept by
-- the SHA-256 of the bytes stored beside the database (`<database>.evidence/<hash>`), sealed
-- under the project key when it has one. `sha256` is the original file's hash, the one a
-- court compares. Append-only; each item has its audit entries.
CREATE TABLE evidence (
    id               INTEGER PRIMARY KEY,
    sha256           TEXT NOT NULL,
    stored_sha256    TEXT NOT NULL,
    size             INTEGER NOT NULL CHECK (size >= 0),
    sealed           INTEGER NOT NULL CHECK (sealed IN (0, 1)),
    -- The file's name: in clear only when the project has no key, else sealed.
    file_name        TEXT,
    file_name_sealed BLOB,
    media_type       TEXT,
    description      TEXT,
    source_id        INTEGER REFERENCES sources (id),
    record_id        INTEGER REFERENCES records (id),
    added_by         TEXT NOT NULL,
    added_at         TEXT NOT NULL
);
CREATE INDEX evidence_by_hash ON evidence (sha256);

CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only: add the corrected item anew'); END;
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only: add the corrected item anew'); END;
