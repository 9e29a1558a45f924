-- When a moderator last asked for a new reading of the group list, kept
-- with the crawl's state so that every replica keeps to one pause between
-- asks and the replica that crawls sees an ask made on another.
ALTER TABLE group_index_state ADD COLUMN refresh_asked BIGINT NOT NULL DEFAULT 0;
