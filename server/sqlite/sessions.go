package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// SessionRow is a sign-in session kept on the server: the cookie carries
// only its (signed) id, so deleting the row ends the session at once.
type SessionRow struct {
	ID       string
	Account  string
	Created  time.Time
	LastSeen time.Time
}

// CreateSession stores a new session.
func (d *DB) CreateSession(ctx context.Context, s SessionRow) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO sessions (id, account, created_at, last_seen) VALUES (?, ?, ?, ?)`,
		s.ID, s.Account, s.Created.UnixMilli(), s.LastSeen.UnixMilli())
	return err
}

// Session loads a session; ErrNotFound when it does not exist (ended,
// revoked, or never was).
func (d *DB) Session(ctx context.Context, id string) (*SessionRow, error) {
	var s SessionRow
	var created, seen int64
	err := d.db.QueryRowContext(ctx, `SELECT id, account, created_at, last_seen FROM sessions WHERE id = ?`, id).
		Scan(&s.ID, &s.Account, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s.Created, s.LastSeen = time.UnixMilli(created), time.UnixMilli(seen)
	return &s, nil
}

// TouchSession records activity on a session.
func (d *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := d.db.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE id = ?`, at.UnixMilli(), id)
	return err
}

// DeleteSession ends a session.
func (d *DB) DeleteSession(ctx context.Context, id string) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	return err
}

// Why a session ended, as EndedSession reports it.
const (
	EndedByAdmin = "admin" // an administrator ended the account's sessions
	EndedIdle    = "idle"  // unused for the idle timeout
)

// EndSession ends a session and keeps why (EndedByAdmin, EndedIdle), so
// that the next request with it can say so.
func (d *DB) EndSession(ctx context.Context, id, reason string, at time.Time) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO ended_sessions (id, reason, ended_at) VALUES (?, ?, ?)`+endedUpsert, id, reason, at.UnixMilli()); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.Commit()
}

// EndedSession says why a session that no longer exists ended, or "" when
// that is not known (signed out, a password changed, long ago, or never a
// session).
func (d *DB) EndedSession(ctx context.Context, id string) (string, error) {
	var reason string
	err := d.db.QueryRowContext(ctx, `SELECT reason FROM ended_sessions WHERE id = ?`, id).Scan(&reason)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return reason, err
}

// DeleteExpiredSessions removes sessions idle since idleBefore or created
// before createdBefore, keeping that the idle ones ended unused, and
// forgets why sessions ended before createdBefore.
func (d *DB) DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO ended_sessions (id, reason, ended_at)
		SELECT id, 'idle', last_seen FROM sessions WHERE last_seen < ? AND created_at >= ?`+endedUpsert, idleBefore.UnixMilli(), createdBefore.UnixMilli()); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen < ? OR created_at < ?`, idleBefore.UnixMilli(), createdBefore.UnixMilli()); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM ended_sessions WHERE ended_at < ?`, createdBefore.UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}

// CountSessions counts the sessions that have not ended: used since
// idleBefore and created since createdBefore.
func (d *DB) CountSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int, error) {
	var n int
	// From the readers' pool: a metrics scrape does not wait behind the
	// writer (on SQLite one connection, busy while the crawler stores).
	err := d.search.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE last_seen >= ? AND created_at >= ?`,
		idleBefore.UnixMilli(), createdBefore.UnixMilli()).Scan(&n)
	return n, err
}

// SessionCounts counts each account's sessions that have not ended.
func (d *DB) SessionCounts(ctx context.Context, idleBefore, createdBefore time.Time) (map[string]int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT account, count(*) FROM sessions WHERE last_seen >= ? AND created_at >= ? GROUP BY account`,
		idleBefore.UnixMilli(), createdBefore.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, rows.Err()
}

// endedUpsert ends an insert into ended_sessions: a session ended twice
// keeps the later reason and time.
const endedUpsert = ` ON CONFLICT (id) DO UPDATE SET reason = excluded.reason, ended_at = excluded.ended_at`
