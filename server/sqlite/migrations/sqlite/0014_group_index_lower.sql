-- Nothing on SQLite: the PostgreSQL step keeps the finder's names and IDs
-- in lower case beside each row; SQLite's FTS5 table and NOCASE index
-- already fold case (0004, 0007). The step is kept so that both databases
-- count the same schema versions.
SELECT 1;
