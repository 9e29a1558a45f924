-- Account administration from the panel: a first or reset password must be
-- changed at the next sign-in, and the last sign-in is shown to admins.
ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_signin INTEGER; -- Unix milliseconds; NULL: never
