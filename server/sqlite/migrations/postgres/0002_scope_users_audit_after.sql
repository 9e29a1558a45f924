-- On SQLite this step also rewrote scopes stored in the first release's
-- form; a PostgreSQL database never held one.
ALTER TABLE audit ADD COLUMN after TEXT NOT NULL DEFAULT 'null';
