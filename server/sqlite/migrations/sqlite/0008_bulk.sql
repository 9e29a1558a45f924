-- Bulk changes: one attribute change across many groups, run on the server
-- a group at a time through the audited change path (docs/bulk.md).
--
-- An audit entry made by a bulk change names its job; entries made before
-- this column existed hold 0 and hash as they always did.
ALTER TABLE audit ADD COLUMN job INTEGER NOT NULL DEFAULT 0;
CREATE INDEX audit_job ON audit (job, target) WHERE job != 0;

-- A job: what it changes (op and change), how its groups were chosen
-- (source), who made it, and where it stands (state).
CREATE TABLE bulk_jobs (
	id         INTEGER PRIMARY KEY,
	owner      TEXT NOT NULL,            -- the account that made it
	ip         TEXT NOT NULL,
	user_agent TEXT NOT NULL,
	created    TEXT NOT NULL,
	op         TEXT NOT NULL,            -- set, delete, replace, restore
	change     TEXT NOT NULL,            -- the change as the request gave it (JSON)
	source     TEXT NOT NULL,            -- how the groups were chosen (JSON)
	undoes     INTEGER NOT NULL DEFAULT 0, -- restore: the job it undoes
	state      TEXT NOT NULL,            -- previewing, ready, running, paused, cancelled, finished
	reason     TEXT NOT NULL DEFAULT '', -- why it stopped, a phrase (JSON), '' if it did not
	sample     TEXT NOT NULL DEFAULT '[]', -- a few groups' before and after, from the preview (JSON)
	updated    TEXT NOT NULL,
	started    TEXT NOT NULL DEFAULT '', -- when it last started or resumed
	done_at_start INTEGER NOT NULL DEFAULT 0 -- items done by then, for the rate
);

-- A job's groups, in the order they run. plan is what the preview found
-- (change, unchanged, refused, excluded); outcome what running did
-- (changed, unchanged, refused, failed, unknown, excluded), '' while the
-- group waits. A group left out when the job was made (unknown, out of
-- scope) is 'excluded' in both. Reasons are phrases (JSON).
CREATE TABLE bulk_items (
	job         INTEGER NOT NULL REFERENCES bulk_jobs (id),
	n           INTEGER NOT NULL,
	group_id    TEXT NOT NULL,
	name        TEXT NOT NULL DEFAULT '',
	plan        TEXT NOT NULL DEFAULT '',
	plan_reason TEXT NOT NULL DEFAULT '',
	outcome     TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	audit       INTEGER NOT NULL DEFAULT 0, -- the audit intent of the change made
	before      TEXT NOT NULL DEFAULT '',   -- the group's attributes before the job changed them (JSON)
	after       TEXT NOT NULL DEFAULT '',   -- and after
	want        TEXT NOT NULL DEFAULT '',   -- restore: the attributes to put back (JSON)
	expect      TEXT NOT NULL DEFAULT '',   -- restore: the attributes the undone job left (JSON)
	PRIMARY KEY (job, n)
);
CREATE INDEX bulk_items_open ON bulk_items (job, n) WHERE outcome = '';
