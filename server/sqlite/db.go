// Package sqlite is imdesk's data store: panel accounts, sign-in sessions
// and the audit log, in one SQLite file (pure-Go driver, no cgo) in the data
// directory.
//
// Writes are durable when they return: the database runs in WAL mode with
// synchronous=FULL, so an audit entry that was committed survives a crash
// or power loss. The audit table refuses UPDATE and DELETE with triggers.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the database file inside the data directory.
const FileName = "imdesk.db"

// DB is the data store.
type DB struct {
	db  *sql.DB
	now func() time.Time

	// appendMu serialises audit appends, so each entry links to the one
	// before it.
	appendMu sync.Mutex
}

// Options configure Open.
type Options struct {
	Now func() time.Time // default time.Now
}

// Open opens (creating if needed) the database in dataDir and brings its
// schema up to date.
func Open(dataDir string, o Options) (*DB, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dataDir, FileName)
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)"
	sqlDB, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and this keeps
	// transactions from waiting on each other's locks.
	sqlDB.SetMaxOpenConns(1)
	d := &DB{db: sqlDB, now: o.Now}
	if err := d.migrate(context.Background()); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("prepare %s: %w", path, err)
	}
	_ = os.Chmod(path, 0o600)
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Ping checks that the database answers, for /readyz.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

var schema = []string{
	`CREATE TABLE IF NOT EXISTS accounts (
		name          TEXT PRIMARY KEY,
		password_hash TEXT NOT NULL,
		role          TEXT NOT NULL CHECK (role IN ('viewer', 'moderator', 'admin')),
		scope         TEXT NOT NULL DEFAULT '[]',
		disabled      INTEGER NOT NULL DEFAULT 0,
		created_at    INTEGER NOT NULL,
		updated_at    INTEGER NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS sessions (
		id         TEXT PRIMARY KEY,
		account    TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
		created_at INTEGER NOT NULL,
		last_seen  INTEGER NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS sessions_account ON sessions(account)`,
	`CREATE TABLE IF NOT EXISTS audit (
		seq          INTEGER PRIMARY KEY,
		time         TEXT NOT NULL,
		kind         TEXT NOT NULL CHECK (kind IN ('event', 'intent', 'outcome')),
		completes    INTEGER REFERENCES audit(seq),
		actor        TEXT NOT NULL,
		role         TEXT NOT NULL,
		ip           TEXT NOT NULL,
		user_agent   TEXT NOT NULL,
		request_id   TEXT NOT NULL,
		action       TEXT NOT NULL,
		target       TEXT NOT NULL,
		request      TEXT NOT NULL,
		before       TEXT NOT NULL,
		outcome      TEXT NOT NULL,
		tencent_code INTEGER NOT NULL,
		tencent_info TEXT NOT NULL,
		detail       TEXT NOT NULL,
		duration_ms  INTEGER NOT NULL,
		prev_hash    TEXT NOT NULL,
		hash         TEXT NOT NULL
	)`,
	`CREATE UNIQUE INDEX IF NOT EXISTS audit_completes ON audit(completes) WHERE completes IS NOT NULL`,
	`CREATE INDEX IF NOT EXISTS audit_target ON audit(target)`,
	`CREATE INDEX IF NOT EXISTS audit_actor ON audit(actor)`,
	`CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
		BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
	`CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
		BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
}

func (d *DB) migrate(ctx context.Context) error {
	for _, stmt := range schema {
		if _, err := d.db.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")
