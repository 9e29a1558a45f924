-- Tencent calls per second and command of all replicas together (on
-- PostgreSQL; docs/replicas.md): each replica adds the seconds it has
-- counted every second, and the health page reads the app's use of each
-- limit from here. Rows older than the page's five minutes are dropped.
-- Unused on SQLite, where one process makes every call.
CREATE TABLE tencent_usage (
	second     BIGINT NOT NULL,
	op         TEXT NOT NULL,
	per_second BIGINT NOT NULL,
	calls      BIGINT NOT NULL,
	PRIMARY KEY (second, op)
);
