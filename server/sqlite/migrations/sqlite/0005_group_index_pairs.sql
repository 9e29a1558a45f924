-- Names by pairs of characters, for searches of one or two characters,
-- which trigrams cannot look up. Two-character words are the most common
-- CJK searches (北京, 台灣, 서울, 音楽), and a word no name holds must not
-- read every group to say so.
--
-- A name's text here is each of its overlapping pairs of characters
-- (any script), then its last character alone, separated by spaces:
-- "北京读书会 Ab" is indexed as "北京 京读 读书 书会 会_ _A Ab b" (_ for a
-- space). The tokenizer splits only at whitespace and control characters,
-- and folds letter case as the trigram index does (diacritics kept), so:
--   - a two-character search is the phrase of its one token ("读书");
--   - a one-character search is its prefix ("读"*): every character of a
--     name begins a token (the pair it starts, the part of a pair before a
--     space, or the last character), and prefix='1' keeps an index of
--     first characters so that a common one is not a merge of every pair
--     it begins.
-- A pair with whitespace in it is split by the tokenizer into single
-- characters, which only prefixes match: a search never starts or ends
-- with whitespace, so no two-character search holds one.
--
-- The table keeps no copy of the text (content='') and stores only which
-- groups hold a token, not where (detail=none). Measured on 1,000,000
-- generated names (186 MB of database before): it adds 44 MB and fills in
-- 8 s; without prefix='1' it adds 32 MB but a common first character takes
-- 40 to 190 ms to count; a plain (pair, rowid) table added 167 MB. Groups
-- without a name yet (listed, not described) have no row.
CREATE VIRTUAL TABLE group_index_pairs USING fts5(
	pairs,
	content='', contentless_delete=1, detail=none, prefix='1',
	tokenize="unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co Cn Cs Cf'"
);

-- Each group's text for the table above, made from its name. The
-- positions of characters come from a table of the numbers 1 to 1024: a
-- name longer than that has the pairs of its first 1024 characters indexed
-- (Tencent's group names are at most 30 bytes). Measured on 1,000,000
-- names, this takes 2.3 s where a recursive CTE over each name takes 8.
CREATE TABLE group_index_positions(n INTEGER PRIMARY KEY);
WITH RECURSIVE at(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM at WHERE n < 1024)
INSERT INTO group_index_positions SELECT n FROM at;
CREATE VIEW group_index_pair_text(r, pairs) AS
SELECT g.rowid, (SELECT group_concat(substr(g.name, p.n, 2), ' ') FROM group_index_positions p WHERE p.n <= length(g.name))
FROM group_index g WHERE g.name <> '';

CREATE TRIGGER group_index_pairs_ai AFTER INSERT ON group_index WHEN new.name <> '' BEGIN
	INSERT INTO group_index_pairs(rowid, pairs) SELECT r, pairs FROM group_index_pair_text WHERE r = new.rowid;
END;
CREATE TRIGGER group_index_pairs_ad AFTER DELETE ON group_index BEGIN
	DELETE FROM group_index_pairs WHERE rowid = old.rowid;
END;
CREATE TRIGGER group_index_pairs_au AFTER UPDATE OF name ON group_index WHEN new.name IS NOT old.name BEGIN
	DELETE FROM group_index_pairs WHERE rowid = old.rowid;
	INSERT INTO group_index_pairs(rowid, pairs) SELECT r, pairs FROM group_index_pair_text WHERE r = new.rowid;
END;

-- The trigram index's update trigger of 0004 rewrote a group's trigrams at
-- every description, the name unchanged or not (a crawl round describes
-- every group again): now only when the name changed.
DROP TRIGGER group_index_au;
CREATE TRIGGER group_index_au AFTER UPDATE OF name ON group_index WHEN new.name IS NOT old.name BEGIN
	INSERT INTO group_index_names(group_index_names, rowid, name) VALUES ('delete', old.rowid, old.name);
	INSERT INTO group_index_names(rowid, name) VALUES (new.rowid, new.name);
END;

-- The groups indexed before this step.
INSERT INTO group_index_pairs(rowid, pairs) SELECT r, pairs FROM group_index_pair_text;
