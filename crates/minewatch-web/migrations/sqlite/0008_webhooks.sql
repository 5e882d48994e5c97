-- Webhooks. `outbox` holds the record version of every edit whose feed
-- entries have not yet been handed to the subscribers: written in the edit's
-- own transaction, so no acknowledged edit is ever left undelivered; the
-- server's relay turns each into deliveries and deletes it.
CREATE TABLE outbox (
    version BIGINT PRIMARY KEY
);
-- A subscriber: where to POST, the signing secret (`whsec_…`), what it
-- follows (states as comma-separated codes, a group id, kinds; empty:
-- all), the first day of its `took_effect` entries and the record version
-- after which its `recorded` entries begin.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    states TEXT NOT NULL,
    grp TEXT NOT NULL,
    kinds TEXT NOT NULL,
    since TEXT NOT NULL,
    since_version BIGINT NOT NULL,
    created TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked TEXT
);
-- One entry for one subscriber: the message id (`webhook-id`, the same on
-- every attempt), a hash of the entry's content (a new message is queued
-- only when it differs from the newest one of that entry), the body sent
-- on every attempt, where it stands
-- (`pending`, `delivered`, `failed`), the attempts made, when it is next
-- due (while an attempt is in flight: when its lease ends), the last
-- answer.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook BIGINT NOT NULL REFERENCES webhooks (id),
    message TEXT NOT NULL,
    entry TEXT NOT NULL,
    content TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    due TEXT NOT NULL,
    created TEXT NOT NULL,
    last_status BIGINT,
    last_error TEXT NOT NULL,
    delivered_at TEXT,
    UNIQUE (webhook, message)
);
CREATE INDEX deliveries_due ON deliveries (status, due);
CREATE INDEX deliveries_entry ON deliveries (webhook, entry, id);
