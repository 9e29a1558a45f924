-- The finder's names and IDs in lower case, kept with each row, so that a
-- search does not fold every row it reads again: counting a common word's
-- first 1,001 matches reads about 20,000 rows, and lower() was half the
-- time (docs/benchmarks.md). The trigram and ID indexes move onto the kept
-- columns. The two GIN indexes flush their lists of pending entries at
-- 256 kB instead of 4 MB (gin_pending_list_limit): every search reads the
-- whole pending list, and 4 MB of it cost a search of a million groups
-- about 15 ms until autovacuum came by.
ALTER TABLE group_index
	ADD COLUMN name_lower TEXT GENERATED ALWAYS AS (lower(name)) STORED,
	ADD COLUMN id_lower TEXT COLLATE "C" GENERATED ALWAYS AS (lower(id)) STORED;
DROP INDEX group_index_names;
CREATE INDEX group_index_names ON group_index USING gin (name_lower gin_trgm_ops) WITH (gin_pending_list_limit = 256);
DROP INDEX group_index_id_nocase;
CREATE INDEX group_index_id_nocase ON group_index (id_lower text_pattern_ops);
ALTER INDEX group_index_pairs SET (gin_pending_list_limit = 256);
