-- The record of data/: the three files edits touch, row by row, in file
-- order (ord); every other file whole. Every cell is kept as the CSV text.
CREATE TABLE sources (
    ord INTEGER NOT NULL UNIQUE,
    id TEXT PRIMARY KEY,
    publisher TEXT NOT NULL,
    title TEXT NOT NULL,
    url TEXT NOT NULL
);

CREATE TABLE states (
    ord INTEGER NOT NULL UNIQUE,
    iso3 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    aliases TEXT NOT NULL,
    predecessor TEXT NOT NULL,
    relation TEXT NOT NULL,
    since TEXT NOT NULL,
    sources TEXT NOT NULL
);

CREATE TABLE treaty_actions (
    ord INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    action TEXT NOT NULL,
    date TEXT NOT NULL,
    bound_from TEXT NOT NULL,
    sources TEXT NOT NULL,
    note TEXT NOT NULL
);

CREATE TABLE data_files (
    name TEXT PRIMARY KEY,
    content TEXT NOT NULL
);

-- Editors: a token is shown once and kept only as its SHA-256.
CREATE TABLE editors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_sha256 TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL
);

-- Who changed what, when, citing which sources; written in the edit's transaction.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    editor TEXT NOT NULL,
    at TEXT NOT NULL,
    what TEXT NOT NULL,
    source TEXT NOT NULL
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
