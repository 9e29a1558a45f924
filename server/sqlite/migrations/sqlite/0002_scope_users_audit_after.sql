-- Scopes name groups, members of groups, and users. A scope stored as the
-- first release's list of group IDs (with "*" for everything) becomes
-- {"all", "groups", "membersOf", "users"}.
UPDATE accounts SET scope = json_object(
	'all', json(CASE WHEN EXISTS (SELECT 1 FROM json_each(accounts.scope) WHERE value = '*') THEN 'true' ELSE 'false' END),
	'groups', json(CASE WHEN EXISTS (SELECT 1 FROM json_each(accounts.scope) WHERE value = '*') THEN '[]'
		ELSE (SELECT json_group_array(value) FROM json_each(accounts.scope)) END),
	'membersOf', json('[]'),
	'users', json('[]'))
WHERE json_type(scope) = 'array';

-- An intent records the state it will leave as well as the state before it,
-- for every family. Entries made before this column existed hold 'null'
-- and hash as they always did.
ALTER TABLE audit ADD COLUMN after TEXT NOT NULL DEFAULT 'null';
