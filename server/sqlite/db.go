// Package sqlite is imdesk's data store: panel accounts, sign-in sessions,
// the audit log, the group index, bulk jobs and the attribute-key
// registry — by default in one SQLite file (pure-Go driver, no cgo) in the
// data directory, or in PostgreSQL (Options.DatabaseURL) for several
// replicas (see dialect.go for what differs).
//
// Writes are durable when they return: SQLite runs in WAL mode with
// synchronous=FULL, and PostgreSQL commits with its own WAL, so an audit
// entry that was committed survives a crash or power loss. The audit table
// refuses UPDATE and DELETE with triggers. The schema is brought up to date
// by the numbered migrations in migrations/<database>/ when the database is
// opened.
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
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the database file inside the data directory.
const FileName = "imdesk.db"

// DB is the data store.
type DB struct {
	db  handle
	pg  bool // PostgreSQL, not SQLite
	now func() time.Time
	// search is a pool of connections for the finder's searches: in WAL
	// mode readers do not wait for the writer, so a search is not held up
	// behind the group crawler's writes on db's one connection.
	// On PostgreSQL it is db.
	search handle

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
	// replica is this process's ID among the replicas of a PostgreSQL
	// store (JoinReplicas), written with each audit entry; "" on SQLite.
	replica string
	// replicaConn holds the replica's advisory lock (JoinReplicas); a
	// beat that finds it broken takes the lock again on a new one.
	replicaMu      sync.Mutex
	replicaConn    *sql.Conn
	replicaHost    string
	replicaStarted int64        // Unix ms, the database's clock
	throttlePruned atomic.Int64 // when UpdateThrottle last removed old counts (Unix ms)
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
	// DatabaseURL, when set (postgres://…), keeps everything in that
	// PostgreSQL database instead of the SQLite file in the data
	// directory.
	DatabaseURL string
}

// Open opens (creating if needed) the database in dataDir and brings its
// schema up to date.
func Open(dataDir string, o Options) (*DB, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.DatabaseURL != "" {
		return openPostgres(o)
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
	d := &DB{db: handle{DB: sqlDB}, now: o.Now, auditKey: o.AuditKey}
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
	d.search = handle{DB: search}
	return d, nil
}

// openPostgres opens the PostgreSQL database at o.DatabaseURL and brings
// its schema up to date.
func openPostgres(o Options) (*DB, error) {
	pc, err := pgx.ParseConfig(o.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("IMDESK_DATABASE_URL: %w", err)
	}
	// A replica on a machine that vanished (no FIN, no RST) must lose its
	// lock within a minute, for another to take over its work: the server
	// probes an idle connection after 10 s, every 5 s, 4 times.
	//
	// pgx prepares and caches each query; after five runs PostgreSQL may
	// plan a cached one without its parameters' values, and a search by
	// a prefix or a substring then cannot use its index. Every query is
	// planned with its values instead (planning is cheap next to a scan).
	for k, v := range map[string]string{"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "4",
		"plan_cache_mode": "force_custom_plan"} {
		if _, set := pc.RuntimeParams[k]; !set {
			pc.RuntimeParams[k] = v
		}
	}
	sqlDB := stdlib.OpenDB(*pc)
	sqlDB.SetMaxOpenConns(32)
	sqlDB.SetMaxIdleConns(8)
	h := handle{DB: sqlDB, pg: true}
	d := &DB{db: h, search: h, pg: true, now: o.Now, auditKey: o.AuditKey}
	if err := d.migrate(context.Background()); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("prepare the PostgreSQL database: %w", err)
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error {
	d.replicaMu.Lock()
	if d.replicaConn != nil {
		// Without LeaveReplicas: the replica's lock goes with the pool's
		// connections, its row stays, and the others settle it.
		d.replicaConn.Close()
		d.replicaConn = nil
	}
	d.replicaMu.Unlock()
	if d.search.DB != d.db.DB {
		d.search.Close()
	}
	return d.db.Close()
}

// Ping checks that the database answers, for /readyz.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// migrations are the schema's steps, applied in the order of their
// numbers, the same steps for both databases: a step written in SQL both
// understand is one file in migrations/both, a step that differs is one
// file in each of migrations/sqlite and migrations/postgres (a test checks
// that the two lists match). SQLite records the last one applied in PRAGMA
// user_version, PostgreSQL in the table schema_version. A step is never
// edited once released: a change is a new file.
//
//go:embed migrations/both/*.sql migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// SchemaVersion is the number of the newest migration this build knows.
func SchemaVersion() int {
	steps, _ := migrationSteps("sqlite")
	return steps[len(steps)-1].version
}

type migration struct {
	version int
	name    string
	sql     string
}

func migrationSteps(database string) ([]migration, error) {
	var steps []migration
	for _, dir := range []string{"migrations/both", "migrations/" + database} {
		entries, err := fs.ReadDir(migrations, dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
			if err != nil {
				return nil, fmt.Errorf("migration %s: the name must start with its number", e.Name())
			}
			b, err := migrations.ReadFile(dir + "/" + e.Name())
			if err != nil {
				return nil, err
			}
			steps = append(steps, migration{version: n, name: e.Name(), sql: string(b)})
		}
	}
	slices.SortFunc(steps, func(a, b migration) int { return a.version - b.version })
	for i, m := range steps {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: numbers must run 1, 2, 3… without gaps, each once (in both/ or in each database's folder)", m.name)
		}
	}
	return steps, nil
}

// migrateLock is the PostgreSQL advisory lock under which a replica
// migrates, so that replicas started together apply each step once, one
// after another.
const migrateLock = 0x696d6465736b01 // "imdesk" 1

// migrate applies the migrations the database has not had yet, each in a
// transaction with its version number, so a failed step leaves the database
// as it was. A database made by a newer imdesk is refused.
func (d *DB) migrate(ctx context.Context) error {
	database := "sqlite"
	if d.pg {
		database = "postgres"
	}
	steps, err := migrationSteps(database)
	if err != nil {
		return err
	}
	for {
		done, err := d.migrateStep(ctx, steps)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next migration, if any, and says whether there
// was none left.
func (d *DB) migrateStep(ctx context.Context, steps []migration) (done bool, err error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	version, err := d.schemaVersion(ctx, tx)
	if err != nil {
		return false, err
	}
	if newest := steps[len(steps)-1].version; version > newest {
		return false, fmt.Errorf("the database has schema version %d, made by a newer imdesk; this one knows up to %d", version, newest)
	} else if version == newest {
		return true, tx.Commit()
	}
	m := steps[version]
	if _, err := tx.Tx.ExecContext(ctx, m.sql); err != nil { // no parameters: not bound
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	q := fmt.Sprintf("PRAGMA user_version = %d", m.version)
	if d.pg {
		q = fmt.Sprintf("UPDATE schema_version SET version = %d", m.version)
	}
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	return false, nil
}

// Version is the number of the last migration the database has had.
func (d *DB) Version(ctx context.Context) (int, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	return d.schemaVersion(ctx, tx)
}

// schemaVersion reads the number of the last migration applied. On
// PostgreSQL it first takes the migration lock for the transaction, and
// makes the version table if this is the database's first start.
func (d *DB) schemaVersion(ctx context.Context, tx *txn) (int, error) {
	var version int
	if !d.pg {
		err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
		return version, err
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", migrateLock); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		one INTEGER PRIMARY KEY CHECK (one = 1), version INTEGER NOT NULL)`); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (1, 0) ON CONFLICT (one) DO NOTHING`); err != nil {
		return 0, err
	}
	err := tx.QueryRowContext(ctx, "SELECT version FROM schema_version").Scan(&version)
	return version, err
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
