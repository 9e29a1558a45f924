-- The schema of the first release, as on SQLite (migrations/sqlite): every
-- step exists for both databases under the same number. Columns SQLite
-- keeps as INTEGER are BIGINT here (times in Unix seconds or milliseconds,
-- yes/no as 0 and 1), so the store reads both alike.
CREATE TABLE accounts (
	name          TEXT PRIMARY KEY,
	password_hash TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('viewer', 'moderator', 'admin')),
	scope         TEXT NOT NULL DEFAULT '[]',
	disabled      BIGINT NOT NULL DEFAULT 0,
	created_at    BIGINT NOT NULL,
	updated_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
	id         TEXT PRIMARY KEY,
	account    TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	last_seen  BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account);

CREATE TABLE audit (
	seq          BIGINT PRIMARY KEY,
	time         TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('event', 'intent', 'outcome')),
	completes    BIGINT REFERENCES audit(seq),
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
	tencent_code BIGINT NOT NULL,
	tencent_info TEXT NOT NULL,
	detail       TEXT NOT NULL,
	duration_ms  BIGINT NOT NULL,
	prev_hash    TEXT NOT NULL,
	hash         TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_completes ON audit(completes) WHERE completes IS NOT NULL;
CREATE INDEX audit_target ON audit(target);
CREATE INDEX audit_actor ON audit(actor);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
