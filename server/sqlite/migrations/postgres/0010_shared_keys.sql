-- Keys every replica must share (see migrations/sqlite/0010_shared_keys.sql).
CREATE TABLE shared_keys (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
