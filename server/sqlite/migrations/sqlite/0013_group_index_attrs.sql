-- Values of described attribute keys, for the finder's filter "key = value"
-- (docs/keys.md). A reader of its own asks get_group_attr for one group at
-- a time, oldest reading first, and keeps the values of the described keys
-- of small value sets (yes/no, one of a list), replacing what it read of
-- the group before; values_read is when it last did (Unix seconds, 0:
-- never). A change made through the panel updates the keys it named at
-- once. A group dropped from the index takes its values with it.
ALTER TABLE group_index ADD COLUMN values_read INTEGER NOT NULL DEFAULT 0;
CREATE INDEX group_index_values_read ON group_index(values_read);

CREATE TABLE group_index_attrs (
	group_id TEXT NOT NULL REFERENCES group_index(id) ON DELETE CASCADE,
	key      TEXT NOT NULL,
	value    TEXT NOT NULL,
	PRIMARY KEY (group_id, key)
) WITHOUT ROWID;
-- key = value, the groups in ID order: what a search with the filter reads.
CREATE INDEX group_index_attrs_value ON group_index_attrs(key, value, group_id);
