-- The index of the app's groups for the finder, filled in the background
-- from get_appid_group_list and get_group_info. listed_round is the crawl
-- round whose list last named the group; info_round the round whose
-- get_group_info last described it, so a group listed but not yet described
-- (info_round < listed_round) is pending, and one not listed by a finished
-- round has been dismissed.
CREATE TABLE group_index (
	id           TEXT NOT NULL UNIQUE,
	name         TEXT NOT NULL DEFAULT '',
	type         TEXT NOT NULL DEFAULT '',
	member_count INTEGER NOT NULL DEFAULT 0,
	owner        TEXT NOT NULL DEFAULT '',
	listed_round INTEGER NOT NULL,
	info_round   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX group_index_type ON group_index(type, id);
CREATE INDEX group_index_pending ON group_index(info_round, listed_round) WHERE info_round < listed_round;

-- Names by trigram, so any substring of three characters or more matches in
-- any script (CJK names have no spaces to split words at).
CREATE VIRTUAL TABLE group_index_names USING fts5(name, content='group_index', content_rowid='rowid', tokenize='trigram');
CREATE TRIGGER group_index_ai AFTER INSERT ON group_index BEGIN
	INSERT INTO group_index_names(rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER group_index_ad AFTER DELETE ON group_index BEGIN
	INSERT INTO group_index_names(group_index_names, rowid, name) VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER group_index_au AFTER UPDATE OF name ON group_index BEGIN
	INSERT INTO group_index_names(group_index_names, rowid, name) VALUES ('delete', old.rowid, old.name);
	INSERT INTO group_index_names(rowid, name) VALUES (new.rowid, new.name);
END;

-- Where the crawl is: one row. next is get_appid_group_list's cursor for the
-- current round (0: the round's list has not started or is done);
-- list_done says the round's list reached its end; refreshed is when the
-- last round finished (Unix seconds, 0: never); total is Tencent's
-- TotalCount from the last page read.
CREATE TABLE group_index_state (
	one        INTEGER PRIMARY KEY CHECK (one = 1),
	round      INTEGER NOT NULL,
	next       INTEGER NOT NULL,
	list_done  INTEGER NOT NULL,
	started    INTEGER NOT NULL,
	refreshed  INTEGER NOT NULL,
	total      INTEGER NOT NULL
);
INSERT INTO group_index_state VALUES (1, 1, 0, 0, 0, 0, 0);
