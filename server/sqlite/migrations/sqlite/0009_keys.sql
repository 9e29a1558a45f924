-- The registry of attribute keys (docs/keys.md): what each key of a
-- group's custom attributes means and which values it takes. spec is the
-- key's description as the API gives it (api.KeySpec, JSON); updated and
-- updated_by say who put it last, and when. Changes are audited
-- (keys.put, keys.delete, keys.import); no group changes with them.
CREATE TABLE attribute_keys (
	key        TEXT PRIMARY KEY,
	spec       TEXT NOT NULL,
	updated    TEXT NOT NULL,
	updated_by TEXT NOT NULL
) WITHOUT ROWID;
