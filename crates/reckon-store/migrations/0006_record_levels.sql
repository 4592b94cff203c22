-- A confidentiality level per record, beyond its source's: a family asks that one victim
-- on a public list be kept confidential, or one record of a secret testimony is cleared
-- for the team. The newest row for a record decides; without one, the source's level
-- holds. Append-only and audited.
CREATE TABLE record_levels (
    id         INTEGER PRIMARY KEY,
    record_id  INTEGER NOT NULL REFERENCES records (id),
    level      TEXT NOT NULL CHECK (level IN ('public', 'internal', 'confidential', 'secret')),
    reason     TEXT,
    set_by     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX record_levels_by_record ON record_levels (record_id, id);

CREATE TRIGGER record_levels_no_update BEFORE UPDATE ON record_levels
BEGIN SELECT RAISE(ABORT, 'record levels are append-only: set a new one'); END;
CREATE TRIGGER record_levels_no_delete BEFORE DELETE ON record_levels
BEGIN SELECT RAISE(ABORT, 'record levels are append-only: set a new one'); END;
