-- Why a session ended, kept for a while after its row in sessions is gone,
-- so that the next request with its cookie can say why the person must sign
-- in again: 'admin' (an administrator ended the account's sessions) or
-- 'idle' (unused for the idle timeout). Rows older than the longest
-- session are removed with the expired sessions.
CREATE TABLE ended_sessions (
	id       TEXT PRIMARY KEY,
	reason   TEXT NOT NULL CHECK (reason IN ('admin', 'idle')),
	ended_at INTEGER NOT NULL
);
