//go:build unix

package cli

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// underUmask022 runs the test under a shell's usual umask and puts the
// process's back after (Run changes it). Not parallel: the umask is the
// process's.
func underUmask022(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
}

// runWith runs the command line with IMDESK_DATA_DIR set to dir.
func runWith(dir, stdin string, args ...string) (int, string) {
	var out, errOut strings.Builder
	env := func(k string) string {
		if k == "IMDESK_DATA_DIR" {
			return dir
		}
		return ""
	}
	code := Run(args, Env{Getenv: env, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut})
	return code, out.String() + errOut.String()
}

// A data directory made by the command line under umask 022 — the
// directory, the database, SQLite's WAL and its index, the audit key — and
// a backup written by it are readable by the panel's user only.
func TestCommandLineMakesEverythingPrivate(t *testing.T) {
	underUmask022(t)
	dir := filepath.Join(t.TempDir(), "data")
	if code, out := runWith(dir, "a long enough password\n", "account", "add", "mei", "--role", "moderator", "--scope", "@TGS#a"); code != 0 {
		t.Fatalf("account add: %d %s", code, out)
	}
	// SQLite removes the WAL and its index when the last connection closes:
	// keep one open, as the running panel does, made under umask 022 again
	// (Run set 077), so they are there to be checked.
	syscall.Umask(0o022)
	db := openTestDB(t, dir)
	if err := db.AddAccount(context.Background(), "jun", "another long password", "viewer", api.Scope{}); err != nil {
		t.Fatal(err)
	}
	backups := t.TempDir() // the operator's, 0755: the backup itself must be private
	if code, out := runWith(dir, "", "backup", filepath.Join(backups, "imdesk.db")); code != 0 {
		t.Fatalf("backup: %d %s", code, out)
	}
	want := map[string]bool{"imdesk.db": false, "imdesk.db-wal": false, "imdesk.db-shm": false, "audit.key": false}
	for _, root := range []string{dir, backups} {
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			fi, err := e.Info()
			if err != nil {
				return err
			}
			if root == dir {
				if _, ok := want[e.Name()]; ok {
					want[e.Name()] = true
				}
			}
			if perm := fi.Mode().Perm(); perm&0o077 != 0 && p != backups {
				t.Errorf("%s has mode %#o: other users can read it", p, perm)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, seen := range want {
		if !seen {
			t.Errorf("the data directory has no %s to check", name)
		}
	}
}

// The panel does not start on a data directory or with an audit key that
// other users can read, and says which and how to fix it.
func TestServeRefusesSharedDataDirAndKey(t *testing.T) {
	underUmask022(t)
	shared := filepath.Join(t.TempDir(), "shared")
	private := filepath.Join(t.TempDir(), "private")
	for dir, mode := range map[string]os.FileMode{shared: 0o755, private: 0o700} {
		if err := os.Mkdir(dir, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
	}
	sharedKey := filepath.Join(private, "audit.key")
	if err := os.WriteFile(sharedKey, []byte(strings.Repeat("ab", 32)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outsideKey := filepath.Join(t.TempDir(), "mounted.key")
	if err := os.WriteFile(outsideKey, []byte(strings.Repeat("cd", 32)+"\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{name: "data directory 0755", args: []string{"serve", "--data-dir", shared}, want: "IMDESK_DATA_DIR: " + shared + " has mode 0755"},
		{name: "audit key in the data directory 0644", args: []string{"serve", "--data-dir", private}, want: "IMDESK_AUDIT_KEY_FILE: " + sharedKey + " has mode 0644"},
		{name: "audit key elsewhere 0640", args: []string{"serve", "--data-dir", private, "--audit-key-file", outsideKey}, want: "IMDESK_AUDIT_KEY_FILE: " + outsideKey + " has mode 0640"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out := runWith("", "", c.args...)
			if code != 2 || !strings.Contains(out, c.want) || !strings.Contains(out, "only the panel's user may") {
				t.Fatalf("serve: %d %s; want 2 and %q", code, out, c.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(shared, "imdesk.db")); err == nil {
		t.Error("the panel made its database in a directory other users can read")
	}
}
