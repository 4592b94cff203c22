-- Witnesses behind testimonies: who they are, how to reach them, and the documenter's
-- confidential notes. The most sensitive data in the system, so every field is ciphertext
-- only (XChaCha20-Poly1305 under the project key, bound to its row); nothing here can be
-- read from a copied database. Append-only.
CREATE TABLE witnesses (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER REFERENCES sources (id),
    identity_sealed BLOB NOT NULL,
    contact_sealed  BLOB,
    notes_sealed    BLOB,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);

CREATE TRIGGER witnesses_no_update BEFORE UPDATE ON witnesses
BEGIN SELECT RAISE(ABORT, 'witnesses are append-only'); END;
CREATE TRIGGER witnesses_no_delete BEFORE DELETE ON witnesses
BEGIN SELECT RAISE(ABORT, 'witnesses are append-only'); END;
