-- Values of described attribute keys, for the finder's filter "key = value"
-- (see migrations/sqlite/0013_group_index_attrs.sql).
ALTER TABLE group_index ADD COLUMN values_read BIGINT NOT NULL DEFAULT 0;
CREATE INDEX group_index_values_read ON group_index(values_read);

CREATE TABLE group_index_attrs (
	group_id TEXT COLLATE "C" NOT NULL REFERENCES group_index(id) ON DELETE CASCADE,
	key      TEXT NOT NULL,
	value    TEXT NOT NULL,
	PRIMARY KEY (group_id, key)
);
CREATE INDEX group_index_attrs_value ON group_index_attrs(key, value, group_id);
