-- The web application: sessions, the search index, and lookups the pages need at scale.

-- A session is found by the SHA-256 of its cookie token: a copied database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Full-text search over each record's name keys: the loose keys, phonetic codes and
-- skeletons of reckon-names, which are ASCII whatever the script the list used. The rowid is
-- the record's id. Victims' names only: no witness data is ever indexed.
CREATE VIRTUAL TABLE record_search USING fts5 (keys, tokenize = 'ascii', prefix = '3', detail = 'none', columnsize = 0);

-- Persons by run, for numbering persons without loading a run.
CREATE INDEX persons_by_run ON persons (link_run_id, id);
CREATE INDEX link_decisions_by_run ON link_decisions (link_run_id, decision);
