-- Group IDs found in any letter case by prefix (SQLite: NOCASE).
CREATE INDEX group_index_id_nocase ON group_index (lower(id) text_pattern_ops);
