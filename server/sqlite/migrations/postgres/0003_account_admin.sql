ALTER TABLE accounts ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_signin BIGINT; -- Unix milliseconds; NULL: never
