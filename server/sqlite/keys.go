package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/imdesk/imdesk/server/api"
)

// The registry of attribute keys (migration 0009): one row per described
// key. Each change returns what it replaced, read in the same
// transaction, so that the audit entry's before is exactly what was
// there.

const keyColumns = `key, spec, updated, updated_by`

func scanKey(sc scanner) (api.KeyEntry, error) {
	var e api.KeyEntry
	var key, spec, updated string
	if err := sc.Scan(&key, &spec, &updated, &e.UpdatedBy); err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(spec), &e.KeySpec); err != nil {
		return e, fmt.Errorf("attribute key %q: %w", key, err)
	}
	var err error
	e.Updated, err = parseTimeText(updated)
	return e, err
}

// Keys returns every described key, by key.
func (d *DB) Keys(ctx context.Context) ([]api.KeyEntry, error) {
	return queryAll(ctx, d.db, scanKey, `SELECT `+keyColumns+` FROM attribute_keys ORDER BY key`)
}

// Described returns every described key's spec, by key (api.Described):
// what the finder's index and its filters read the registry as.
func (d *DB) Described(ctx context.Context) (map[string]*api.KeySpec, error) {
	entries, err := d.Keys(ctx)
	if err != nil {
		return nil, err
	}
	specs := make([]api.KeySpec, len(entries))
	for i, e := range entries {
		specs[i] = e.KeySpec
	}
	return api.Described(specs), nil
}

// KeySpecs returns the specs of those of keys that are described.
func (d *DB) KeySpecs(ctx context.Context, keys []string) (map[string]*api.KeySpec, error) {
	out := map[string]*api.KeySpec{}
	if len(keys) == 0 {
		return out, nil
	}
	args := make([]any, len(keys))
	q := `SELECT ` + keyColumns + ` FROM attribute_keys WHERE key IN (?`
	for i, k := range keys {
		args[i] = k
		if i > 0 {
			q += `, ?`
		}
	}
	entries, err := queryAll(ctx, d.db, scanKey, q+`)`, args...)
	for _, e := range entries {
		out[e.Key] = &e.KeySpec
	}
	return out, err
}

// Key returns one described key, or ErrNotFound.
func (d *DB) Key(ctx context.Context, key string) (*api.KeyEntry, error) {
	return getKey(ctx, d.db, key)
}

func getKey(ctx context.Context, q querier, key string) (*api.KeyEntry, error) {
	e, err := scanKey(q.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM attribute_keys WHERE key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("attribute key %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

func putKey(ctx context.Context, tx *txn, spec api.KeySpec, by string, at time.Time) error {
	b, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO attribute_keys (`+keyColumns+`) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET spec = excluded.spec, updated = excluded.updated, updated_by = excluded.updated_by`,
		spec.Key, string(b), timeText(at), by)
	return err
}

// PutKey describes a key, or describes it anew, and returns what it
// replaced (nil: the key was not described).
func (d *DB) PutKey(ctx context.Context, spec api.KeySpec, by string) (before *api.KeyEntry, err error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	before, err = getKey(ctx, tx, spec.Key)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err := putKey(ctx, tx, spec, by, d.now()); err != nil {
		return nil, err
	}
	return before, tx.Commit()
}

// DeleteKey removes a key's description and returns it, or ErrNotFound.
func (d *DB) DeleteKey(ctx context.Context, key string) (*api.KeyEntry, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	before, err := getKey(ctx, tx, key)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM attribute_keys WHERE key = ?`, key); err != nil {
		return nil, err
	}
	return before, tx.Commit()
}

// ReplaceKeys makes the registry exactly specs, in one transaction, and
// returns the registry it replaced. A key whose spec is unchanged keeps
// who put it and when.
func (d *DB) ReplaceKeys(ctx context.Context, specs []api.KeySpec, by string) (before []api.KeyEntry, err error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+keyColumns+` FROM attribute_keys ORDER BY key`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		e, err := scanKey(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		before = append(before, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	old := map[string]string{}
	for _, e := range before {
		b, _ := json.Marshal(e.KeySpec)
		old[e.Key] = string(b)
	}
	keep := map[string]bool{}
	now := d.now()
	for _, s := range specs {
		keep[s.Key] = true
		if b, _ := json.Marshal(s); old[s.Key] == string(b) {
			continue
		}
		if err := putKey(ctx, tx, s, by, now); err != nil {
			return nil, err
		}
	}
	for _, e := range before {
		if !keep[e.Key] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM attribute_keys WHERE key = ?`, e.Key); err != nil {
				return nil, err
			}
		}
	}
	return before, tx.Commit()
}
