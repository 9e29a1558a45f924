//go:build unix

package sqlite

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// withUmask runs the test under umask, the usual 022 of a shell, and puts
// the process's umask back after. Not parallel: the umask is the process's.
func withUmask(t *testing.T, umask int) {
	old := syscall.Umask(umask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// checkPrivate fails the test for every file or directory under root that
// its group or others may read, write or enter.
func checkPrivate(t *testing.T, root string) {
	t.Helper()
	seen := 0
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		seen++
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v: others can read it", p, fi.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 2 {
		t.Fatalf("nothing was made under %s", root)
	}
}

// Under umask 022 the database, its write-ahead log and index (which hold
// the password hashes and the audit log as much as the database does), the
// audit key, the data directory and a backup are all the panel user's only.
func TestDataFilesArePrivateUnderUmask022(t *testing.T) {
	sqliteOnly(t)
	withUmask(t, 0o022)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	key, _, err := LoadAuditKey(filepath.Join(dir, AuditKeyFile), true)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(dir, Options{AuditKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.AddAccount(ctx, "mod", "correct horse battery", "moderator", api.Scope{Groups: []string{"@TGS#a"}}); err != nil {
		t.Fatal(err)
	}
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(filepath.Join(dir, FileName+side)); err != nil {
			t.Fatalf("the test expects SQLite's %s file: %v", side, err)
		}
	}
	backups := filepath.Join(t.TempDir(), "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := d.Backup(ctx, filepath.Join(backups, "imdesk.db")); err != nil {
		t.Fatal(err)
	}
	checkPrivate(t, dir)
	checkPrivate(t, backups)
}

// A data directory an older imdesk left with a world-readable WAL is made
// private when it is opened.
func TestOpenMakesAnOlderWALPrivate(t *testing.T) {
	sqliteOnly(t)
	withUmask(t, 0o022)
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Open(dir, Options{AuditKey: testAuditKey})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	checkPrivate(t, dir)
}

// A data directory whose name holds "#", "?" or "%" gets its database
// inside it, not in a file named by the part before them.
func TestDataDirWithURICharacters(t *testing.T) {
	sqliteOnly(t)
	parent := t.TempDir()
	for _, name := range []string{"team#2", "what?now", "100%"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(parent, name)
			d, err := Open(dir, Options{AuditKey: testAuditKey})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Append(context.Background(), Entry{Kind: KindEvent, Actor: "a", Action: "session.signin", Outcome: OutcomeOK}); err != nil {
				t.Fatal(err)
			}
			d.Close()
			if n, broken, err := VerifyFile(context.Background(), filepath.Join(dir, FileName), testAuditKey); n != 1 || broken != nil || err != nil {
				t.Fatalf("the database in %s: %d entries, %v, %v", dir, n, broken, err)
			}
		})
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 3 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("files beside the data directories: %v", names)
	}
}
