-- The schema of the first release: accounts, sign-in sessions, and the
-- append-only, hash-chained audit log. IF NOT EXISTS: databases made before
-- migrations were numbered already hold these tables.
CREATE TABLE IF NOT EXISTS accounts (
	name          TEXT PRIMARY KEY,
	password_hash TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('viewer', 'moderator', 'admin')),
	scope         TEXT NOT NULL DEFAULT '[]',
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
	id         TEXT PRIMARY KEY,
	account    TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_account ON sessions(account);

CREATE TABLE IF NOT EXISTS audit (
	seq          INTEGER PRIMARY KEY,
	time         TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('event', 'intent', 'outcome')),
	completes    INTEGER REFERENCES audit(seq),
	actor        TEXT NOT NULL,
	role         TEXT NOT NULL,
	ip           TEXT NOT NULL,
	user_agent   TEXT NOT NULL,
	request_id   TEXT NOT NULL,
	action       TEXT NOT NULL,
	target       TEXT NOT NULL,
	request      TEXT NOT NULL,
	before       TEXT NOT NULL,
	outcome      TEXT NOT NULL,
	tencent_code INTEGER NOT NULL,
	tencent_info TEXT NOT NULL,
	detail       TEXT NOT NULL,
	duration_ms  INTEGER NOT NULL,
	prev_hash    TEXT NOT NULL,
	hash         TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS audit_completes ON audit(completes) WHERE completes IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_target ON audit(target);
CREATE INDEX IF NOT EXISTS audit_actor ON audit(actor);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
	BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
	BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
