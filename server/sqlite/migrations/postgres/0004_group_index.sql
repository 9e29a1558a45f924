-- The finder's index of the app's groups, as on SQLite. rowid numbers the
-- rows as SQLite's own rowid does, for the store's queries that use it.
-- Names are searched with pg_trgm (step 5 adds the index for searches of
-- one or two characters, which trigrams cannot look up).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE group_index (
	rowid        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id           TEXT COLLATE "C" NOT NULL UNIQUE, -- byte order, as SQLite sorts
	name         TEXT NOT NULL DEFAULT '',
	type         TEXT NOT NULL DEFAULT '',
	member_count BIGINT NOT NULL DEFAULT 0,
	owner        TEXT NOT NULL DEFAULT '',
	listed_round BIGINT NOT NULL,
	info_round   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX group_index_type ON group_index(type, id);
CREATE INDEX group_index_pending ON group_index(info_round, listed_round) WHERE info_round < listed_round;
CREATE INDEX group_index_names ON group_index USING gin (lower(name) gin_trgm_ops);

CREATE TABLE group_index_state (
	one        BIGINT PRIMARY KEY CHECK (one = 1),
	round      BIGINT NOT NULL,
	next       BIGINT NOT NULL,
	list_done  BIGINT NOT NULL,
	started    BIGINT NOT NULL,
	refreshed  BIGINT NOT NULL,
	total      BIGINT NOT NULL
);
INSERT INTO group_index_state VALUES (1, 1, 0, 0, 0, 0, 0);
