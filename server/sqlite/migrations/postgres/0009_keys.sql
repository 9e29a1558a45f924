-- The registry of attribute keys (docs/keys.md), as on SQLite.
CREATE TABLE attribute_keys (
	key        TEXT PRIMARY KEY,
	spec       TEXT NOT NULL,
	updated    TEXT NOT NULL,
	updated_by TEXT NOT NULL
);
