package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/pgtest"
	"github.com/imdesk/imdesk/server/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The commands on a PostgreSQL store: migrate brings the schema up to
// date and says so, accounts and the audit log work as on SQLite, backup
// says to use pg_dump, and the audit key must come from a file.
func TestCommandsOnPostgres(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "audit.key")
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("ab", 32)+"\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"IMDESK_DATABASE_URL": pgtest.Need(t), "IMDESK_AUDIT_KEY_FILE": keyFile, "IMDESK_DATA_DIR": t.TempDir()}
	env := func(k string) string { return vars[k] }
	run := func(f func([]string, func(string) string, *strings.Builder, *strings.Builder) int, args ...string) (int, string, string) {
		var out, errOut strings.Builder
		code := f(args, env, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	migrate := func(args []string, env func(string) string, out, errOut *strings.Builder) int {
		return runMigrate(args, env, out, errOut)
	}
	if code, out, errOut := run(migrate); code != 0 || !strings.Contains(out, "version "+strconv.Itoa(sqlite.SchemaVersion())) {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
	var out, errOut strings.Builder
	if code := runAccount([]string{"add", "mei", "--role", "viewer"}, env, strings.NewReader("a long enough password\n"), &out, &errOut); code != 0 {
		t.Fatalf("account add: %s", errOut.String())
	}
	audit := func(args []string, env func(string) string, out, errOut *strings.Builder) int {
		return runAudit(args, env, out, errOut)
	}
	if code, out, errOut := run(audit, "verify"); code != 0 || !strings.Contains(out, "1 ") {
		t.Fatalf("audit verify: %d %q %q", code, out, errOut)
	}
	backup := func(args []string, env func(string) string, out, errOut *strings.Builder) int {
		return runBackup(args, env, out, errOut)
	}
	if code, _, errOut := run(backup, filepath.Join(t.TempDir(), "copy.db")); code != 2 || !strings.Contains(errOut, "pg_dump") {
		t.Fatalf("backup: %d %q", code, errOut)
	}
	delete(vars, "IMDESK_AUDIT_KEY_FILE")
	if code, _, errOut := run(migrate); code != 2 || !strings.Contains(errOut, "IMDESK_AUDIT_KEY_FILE") {
		t.Fatalf("without the audit key's file: %d %q", code, errOut)
	}
}
