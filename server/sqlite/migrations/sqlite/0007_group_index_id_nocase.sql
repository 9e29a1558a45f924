-- Group IDs found in any letter case: a moderator types @tgs#_TRAILHEAD
-- for @TGS#_trailhead, or 2J4SZEAEL without Tencent's @TGS# prefix. The
-- finder looks IDs up by prefix with NOCASE (ASCII letters folded; Tencent's
-- generated IDs are ASCII), which this index answers without a scan.
CREATE INDEX group_index_id_nocase ON group_index(id COLLATE NOCASE);
