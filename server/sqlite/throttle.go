package sqlite

import (
	"context"
	"slices"
	"strings"
	"time"
)

// ThrottleCount is one key's failed sign-ins, as the sign-in throttle
// counts them (server/throttle.go).
type ThrottleCount struct {
	Count int
	Last  time.Time // the last attempt
	Until time.Time // no attempt before this
}

// UpdateThrottle runs f on the counts of keys (zero for a key not counted
// yet) and stores what f left, as one step for every replica: each key's
// row is locked until the step ends. With write false, f only reads.
// Counts whose last attempt is older than forget are removed now and then.
func (d *DB) UpdateThrottle(ctx context.Context, keys []string, write bool, forget time.Duration, f func(map[string]*ThrottleCount)) error {
	keys = slices.Sorted(slices.Values(keys)) // locks taken in one order: no deadlock
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	in := "(?" + strings.Repeat(", ?", len(keys)-1) + ")"
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	q := `SELECT key, count, last, until FROM signin_throttle WHERE key IN ` + in + ` ORDER BY key`
	if write {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO signin_throttle (key, count, last, until) VALUES (?, 0, 0, 0) ON CONFLICT (key) DO NOTHING`, k); err != nil {
				return err
			}
		}
		if d.pg {
			q += ` FOR UPDATE`
		}
	}
	counts := make(map[string]*ThrottleCount, len(keys))
	for _, k := range keys {
		counts[k] = &ThrottleCount{}
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k string
		var last, until int64
		c := &ThrottleCount{}
		if err := rows.Scan(&k, &c.Count, &last, &until); err != nil {
			rows.Close()
			return err
		}
		c.Last, c.Until = msOrZero(last), msOrZero(until)
		counts[k] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	f(counts)
	if !write {
		return nil
	}
	for _, k := range keys {
		c := counts[k]
		if _, err := tx.ExecContext(ctx, `UPDATE signin_throttle SET count = ?, last = ?, until = ? WHERE key = ?`,
			c.Count, zeroOrMS(c.Last), zeroOrMS(c.Until), k); err != nil {
			return err
		}
	}
	now := d.now().UnixMilli()
	if last := d.throttlePruned.Load(); now-last > time.Minute.Milliseconds() && d.throttlePruned.CompareAndSwap(last, now) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_throttle WHERE last < ?`, now-forget.Milliseconds()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func msOrZero(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

func zeroOrMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
