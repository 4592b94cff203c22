-- reckon schema, migration 1: the whole domain model of ../shared/docs/domain-model.md.
-- Nothing is overwritten: records, decisions, claims and audit entries are append-only,
-- enforced by triggers here and, independently of the triggers, by the audit chain.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('administrator', 'analyst', 'documenter', 'reviewer', 'read-only')),
    password_hash TEXT,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('official', 'media', 'ngo', 'testimony', 'morgue', 'relatives', 'other')),
    publisher       TEXT,
    published_on    TEXT,
    language        TEXT,
    reliability     TEXT,
    confidentiality TEXT NOT NULL DEFAULT 'internal' CHECK (confidentiality IN ('public', 'internal', 'confidential', 'secret')),
    file_name       TEXT,
    file_sha256     TEXT UNIQUE,
    file_encoding   TEXT,
    file_location   TEXT,
    n_records       INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);

-- One source's statement about one person, exactly as written.
CREATE TABLE records (
    id                   INTEGER PRIMARY KEY,
    source_id            INTEGER NOT NULL REFERENCES sources (id),
    source_record_id     TEXT NOT NULL,
    row_number           INTEGER NOT NULL,
    name                 TEXT NOT NULL,
    full_name            TEXT,
    surname              TEXT,
    given_name           TEXT,
    patronymic           TEXT,
    sex                  TEXT CHECK (sex IN ('M', 'F')),
    age                  INTEGER CHECK (age BETWEEN 0 AND 130),
    birth_date           TEXT,
    birth_date_precision TEXT CHECK (birth_date_precision IN ('year', 'month', 'day')),
    event_date           TEXT,
    event_date_precision TEXT CHECK (event_date_precision IN ('year', 'month', 'day')),
    place                TEXT,
    status               TEXT,
    attributes           TEXT NOT NULL DEFAULT '[]',
    supersedes           INTEGER REFERENCES records (id),
    created_at           TEXT NOT NULL,
    UNIQUE (source_id, source_record_id)
);
CREATE INDEX records_source ON records (source_id);

CREATE TABLE places (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('country', 'region', 'city', 'district', 'square', 'street', 'hospital', 'morgue', 'detention_facility', 'burial_site', 'other')),
    name          TEXT NOT NULL,
    name_kk       TEXT,
    name_ru       TEXT,
    name_latin    TEXT,
    parent_id     INTEGER REFERENCES places (id),
    latitude      REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude     REAL CHECK (longitude BETWEEN -180 AND 180),
    burial_kind   TEXT CHECK (burial_kind IN ('marked_grave', 'common_trench', 'undisclosed', 'unknown')),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);

CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT,
    starts_at       TEXT,
    ends_at         TEXT,
    time_precision  TEXT CHECK (time_precision IN ('year', 'month', 'day', 'hour', 'minute')),
    place_id        INTEGER REFERENCES places (id),
    place_precision TEXT CHECK (place_precision IN ('exact', 'street', 'district', 'city', 'region', 'country')),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);

CREATE TABLE perpetrators (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('unit', 'office', 'official')),
    name       TEXT NOT NULL,
    parent_id  INTEGER REFERENCES perpetrators (id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- A person's part in an incident. Persons are clusters of records that change as linkage
-- improves, so an act names the victim through one of the person's records.
CREATE TABLE acts (
    id               INTEGER PRIMARY KEY,
    incident_id      INTEGER NOT NULL REFERENCES incidents (id),
    victim_record_id INTEGER NOT NULL REFERENCES records (id),
    kind             TEXT NOT NULL CHECK (kind IN ('killed', 'wounded', 'detained', 'tortured', 'disappeared', 'body_withheld', 'buried_without_consent')),
    perpetrator_id   INTEGER REFERENCES perpetrators (id),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);

CREATE TABLE missing_cases (
    id                  INTEGER PRIMARY KEY,
    sought_name         TEXT NOT NULL,
    sought_record_id    INTEGER REFERENCES records (id),
    opened_by           TEXT NOT NULL,
    -- Contact details of the relative: ciphertext only (XChaCha20-Poly1305, see docs/security.md once written).
    contact_ciphertext  BLOB,
    told_what           TEXT,
    told_by             TEXT,
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'found_alive', 'found_dead', 'closed')),
    owner               TEXT,
    created_at          TEXT NOT NULL
);

CREATE TABLE case_records (
    case_id   INTEGER NOT NULL REFERENCES missing_cases (id),
    record_id INTEGER NOT NULL REFERENCES records (id),
    PRIMARY KEY (case_id, record_id)
);

CREATE TABLE case_places (
    case_id  INTEGER NOT NULL REFERENCES missing_cases (id),
    place_id INTEGER NOT NULL REFERENCES places (id),
    note     TEXT,
    PRIMARY KEY (case_id, place_id)
);

CREATE TABLE official_figures (
    id           INTEGER PRIMARY KEY,
    figure       INTEGER NOT NULL CHECK (figure >= 0),
    counts_what  TEXT NOT NULL,
    area         TEXT,
    period_start TEXT,
    period_end   TEXT,
    announced_by TEXT NOT NULL,
    announced_on TEXT NOT NULL,
    source_id    INTEGER REFERENCES sources (id),
    source_url   TEXT,
    note         TEXT,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);

-- The unit of provenance: any field of any object, from a source, with a confidence.
CREATE TABLE claims (
    id           INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('record', 'incident', 'act', 'place', 'perpetrator', 'missing_case')),
    subject_id   INTEGER NOT NULL,
    field        TEXT NOT NULL,
    value        TEXT NOT NULL,
    source_id    INTEGER REFERENCES sources (id),
    confidence   REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    supersedes   INTEGER REFERENCES claims (id),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX claims_subject ON claims (subject_kind, subject_id);

-- One run of record linkage; its persons are the current ones until the next run.
CREATE TABLE link_runs (
    id          INTEGER PRIMARY KEY,
    method      TEXT NOT NULL,
    settings    TEXT NOT NULL,
    threshold   REAL NOT NULL,
    n_records   INTEGER NOT NULL,
    n_pairs     INTEGER NOT NULL,
    n_persons   INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

CREATE TABLE persons (
    id          INTEGER PRIMARY KEY,
    link_run_id INTEGER NOT NULL REFERENCES link_runs (id)
);

CREATE TABLE person_records (
    person_id INTEGER NOT NULL REFERENCES persons (id),
    record_id INTEGER NOT NULL REFERENCES records (id),
    PRIMARY KEY (person_id, record_id)
);
CREATE INDEX person_records_record ON person_records (record_id);

-- A pair judged by the model (with its probability and weights) or by a named reviewer.
CREATE TABLE link_decisions (
    id                INTEGER PRIMARY KEY,
    record_a          INTEGER NOT NULL REFERENCES records (id),
    record_b          INTEGER NOT NULL REFERENCES records (id),
    decided_by        TEXT NOT NULL CHECK (decided_by IN ('model', 'human')),
    decision          TEXT NOT NULL CHECK (decision IN ('match', 'non_match', 'review')),
    link_run_id       INTEGER REFERENCES link_runs (id),
    match_probability REAL CHECK (match_probability BETWEEN 0 AND 1),
    match_weight      REAL,
    weights           TEXT,
    reviewer          TEXT,
    reason            TEXT,
    supersedes        INTEGER REFERENCES link_decisions (id),
    created_at        TEXT NOT NULL,
    CHECK (record_a < record_b)
);
CREATE INDEX link_decisions_pair ON link_decisions (record_a, record_b);

-- Every estimate the system showed, with its method and inputs, so each number is traceable.
CREATE TABLE estimates (
    id          INTEGER PRIMARY KEY,
    link_run_id INTEGER REFERENCES link_runs (id),
    method      TEXT NOT NULL,
    stratum_by  TEXT,
    input       TEXT NOT NULL,
    result      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);

-- The tamper-evident history: hash = SHA-256(prev_hash, seq, at, actor, action, object, content_hash, details).
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_kind  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    details      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'records are immutable: add a correcting record instead'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'records are immutable: add a correcting record instead'); END;
CREATE TRIGGER link_decisions_no_update BEFORE UPDATE ON link_decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: add a superseding decision'); END;
CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims
BEGIN SELECT RAISE(ABORT, 'claims are append-only: add a superseding claim'); END;
