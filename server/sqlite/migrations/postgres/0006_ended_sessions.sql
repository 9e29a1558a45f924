CREATE TABLE ended_sessions (
	id       TEXT PRIMARY KEY,
	reason   TEXT NOT NULL CHECK (reason IN ('admin', 'idle')),
	ended_at BIGINT NOT NULL
);
