-- The sign-in throttle's counts (server/throttle.go), shared by the
-- replicas of a PostgreSQL store so that a guesser gains nothing by being
-- sent to another; a single SQLite process keeps them in memory and leaves
-- the table empty. key is "account:NAME", "ip:ADDRESS" or
-- "device:NONCE"; last and until are Unix milliseconds.
CREATE TABLE signin_throttle (
	key   TEXT PRIMARY KEY,
	count BIGINT NOT NULL,
	last  BIGINT NOT NULL,
	until BIGINT NOT NULL
);
CREATE INDEX signin_throttle_last ON signin_throttle (last);
