-- Keys every replica must share, made by the first to need them: on
-- PostgreSQL the session cookies' keys (on SQLite they stay in the data
-- directory's session.keys, as before; the table is here so that both
-- databases have the same steps). value is hex.
CREATE TABLE shared_keys (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
