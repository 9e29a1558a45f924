// Package sqlite is imdesk's data store: panel accounts, sign-in sessions
// and the audit log, in one SQLite file (pure-Go driver, no cgo) in the data
// directory.
//
// Writes are durable when they return: the database runs in WAL mode with
// synchronous=FULL, so an audit entry that was committed survives a crash
// or power loss. The audit table refuses UPDATE and DELETE with triggers.
// The schema is brought up to date by the numbered migrations in
// migrations/ when the database is opened.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
	// search is a pool of connections for the finder's searches: in WAL
	// mode readers do not wait for the writer, so a search is not held up
	// behind the group crawler's writes on db's one connection.
	search *sql.DB

	// auditKey chains new audit entries with HMAC-SHA256; nil: plain
	// SHA-256, for tools that only read a log without keyed entries.
	auditKey []byte

	// appendMu guards the queue of audit appends; the first appender to
	// find no one writing writes the queue, a batch to a transaction, so
	// that each entry links to the one before it and concurrent appends
	// share one commit (Append).
	appendMu sync.Mutex
	queue    []*pendingAppend
	leading  bool
	// appended, when set, is told of every append (the panel's metrics).
	appended func(kind string, took time.Duration, err error)
}

// ObserveAppends has f told of every audit append: its kind, how long it
// took to be durable, and its error. Call it before the DB is shared.
func (d *DB) ObserveAppends(f func(kind string, took time.Duration, err error)) { d.appended = f }

// Options configure Open.
type Options struct {
	Now func() time.Time // default time.Now
	// AuditKey keys the audit chain (see LoadAuditKey). It must be kept
	// outside the data directory's reach: whoever holds it can rewrite the
	// log undetectably.
	AuditKey []byte
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
	if err := makePrivate(path); err != nil {
		return nil, err
	}
	dsn := fileURI(path) + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)"
	sqlDB, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and this keeps
	// transactions from waiting on each other's locks.
	sqlDB.SetMaxOpenConns(1)
	d := &DB{db: sqlDB, now: o.Now, auditKey: o.AuditKey}
	if err := d.migrate(context.Background()); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("prepare %s: %w", path, err)
	}
	search, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)&_pragma=cache_size(-32768)")
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open %s for searches: %w", path, err)
	}
	search.SetMaxOpenConns(4)
	d.search = search
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error {
	d.search.Close()
	return d.db.Close()
}

// Ping checks that the database answers, for /readyz.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// migrations are the schema's steps, applied in the order of their
// numbers; PRAGMA user_version records the last one applied. A step is
// never edited once released: a change is a new file.
//
//go:embed migrations/*.sql
var migrations embed.FS

// SchemaVersion is the number of the newest migration this build knows.
func SchemaVersion() int {
	steps, _ := migrationSteps()
	return steps[len(steps)-1].version
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrationSteps() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var steps []migration
	for _, e := range entries {
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: the name must start with its number", e.Name())
		}
		b, err := migrations.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		if len(steps) > 0 && steps[len(steps)-1].version != n-1 || len(steps) == 0 && n != 1 {
			return nil, fmt.Errorf("migration %s: numbers must run 1, 2, 3… without gaps", e.Name())
		}
		steps = append(steps, migration{version: n, name: e.Name(), sql: string(b)})
	}
	return steps, nil
}

// migrate applies the migrations the database has not had yet, each in a
// transaction with its version number, so a failed step leaves the database
// as it was.
func (d *DB) migrate(ctx context.Context) error {
	steps, err := migrationSteps()
	if err != nil {
		return err
	}
	var version int
	if err := d.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if newest := steps[len(steps)-1].version; version > newest {
		return fmt.Errorf("the database has schema version %d, made by a newer imdesk; this one knows up to %d", version, newest)
	}
	for _, m := range steps[version:] {
		tx, err := d.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// fileURI is path as an SQLite URI filename. A "?" or "#" in the path
// (a data directory named "team#2") would otherwise end the file name
// there, and SQLite would open or create another file — "team" — outside
// the data directory, with the umask's mode; "%" would be read as an
// escape.
func fileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// sideFiles are the files SQLite keeps beside the database: the
// write-ahead log and its index, and the rollback journal. They hold the
// same data as the database (password hashes, the audit log).
var sideFiles = []string{"-wal", "-shm", "-journal"}

// makePrivate makes the database file, empty, readable by its owner only
// if it does not exist yet, and takes group and other permissions off it
// and the side files of an older imdesk that made them under the umask.
//
// Why not only the process umask: SQLite makes the WAL, its index and the
// journal with the database file's own mode whatever the umask, so the
// database file must be private before SQLite first opens it — a chmod
// afterwards came too late for the WAL (0644 under umask 022). Setting the
// mode here also holds for callers that do not set a umask (tests, other
// programs embedding this package), where a umask set in main would not.
func makePrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create %s: %w", path, err)
	}
	for _, p := range append([]string{path}, prefixed(path, sideFiles)...) {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("make %s readable by its owner only: %w", p, err)
			}
		}
	}
	return nil
}

func prefixed(path string, suffixes []string) []string {
	out := make([]string, len(suffixes))
	for i, s := range suffixes {
		out[i] = path + s
	}
	return out
}

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")
