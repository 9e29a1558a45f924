-- Replicas on one PostgreSQL store (docs/replicas.md). Each running panel
-- has a row, made at start and beaten every second (seen, Unix
-- milliseconds of the database's clock): the live rows say how many share
-- Tencent's limits. Each also holds an advisory lock named after its ID
-- for as long as its connection lives, so a replica whose lock is free has
-- died: the first to notice marks its intents without an outcome unknown
-- (they carry its ID in replica) and removes its row. On SQLite, one
-- process owns the file: replica stays '' and the table empty.
ALTER TABLE audit ADD COLUMN replica TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_replica_intents ON audit (replica, seq) WHERE kind = 'intent' AND replica != '';
CREATE TABLE replicas (
	id      TEXT PRIMARY KEY,
	host    TEXT NOT NULL,
	started BIGINT NOT NULL,
	seen    BIGINT NOT NULL
);
