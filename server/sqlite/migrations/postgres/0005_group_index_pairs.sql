-- Searches of one or two characters (北京, 서울, 音): a name's characters
-- and its overlapping pairs of characters, letter case folded, as an array
-- kept with each row (grams) under a GIN index, so that "contains 读书" is
-- the array holding '读书'. The SQLite step builds the same pairs in an
-- FTS5 table.
CREATE FUNCTION group_name_grams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
		SELECT substr(lower(name), i, 1) AS g FROM generate_series(1, length(name)) AS i
		UNION SELECT substr(lower(name), i, 2) FROM generate_series(1, length(name) - 1) AS i
	) grams
$$;
ALTER TABLE group_index ADD COLUMN grams text[] GENERATED ALWAYS AS (group_name_grams(name)) STORED;
CREATE INDEX group_index_pairs ON group_index USING gin (grams);
