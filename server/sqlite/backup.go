package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// AuditKey is the key the database's audit chain is verified with.
func (d *DB) AuditKey() []byte { return d.auditKey }

// Backup writes a consistent copy of the database to path with SQLite's
// VACUUM INTO, while the panel goes on reading and writing (WAL: the copy
// is the database as of one moment). The copy is written beside path and
// renamed into place, so path never holds half a backup; an existing file
// is not overwritten.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.pg {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists; choose a new file name", path)
	}
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.%d.tmp", filepath.Base(path), time.Now().UnixNano()))
	// The copy is made empty and private first (VACUUM INTO takes an empty
	// file and keeps its mode): a copy made by SQLite would be readable by
	// everyone under umask 022 until a chmod, and hold every password hash.
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("copy the database: %w", err)
	}
	f.Close()
	if _, err := d.db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("copy the database: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// ErrBackupPostgres is Backup's answer on PostgreSQL, whose own tools
// copy a database consistently while it is in use.
var ErrBackupPostgres = errors.New("the panel keeps its data in PostgreSQL: back it up with pg_dump (pg_dump --format=custom --file=imdesk.dump DATABASE_URL), and keep the audit key file with it, apart")

// VerifyFile opens a database file read-only as it is (no migration) and
// verifies its audit chain with the audit key (nil for an unkeyed log).
func VerifyFile(ctx context.Context, path string, auditKey []byte) (int64, *Broken, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, nil, err
	}
	sqlDB, err := sql.Open("sqlite", fileURI(path)+"?mode=ro")
	if err != nil {
		return 0, nil, err
	}
	defer sqlDB.Close()
	d := &DB{db: handle{DB: sqlDB}, now: time.Now, auditKey: auditKey}
	n, broken, err := d.Verify(ctx)
	if err != nil && errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return n, broken, err
}
