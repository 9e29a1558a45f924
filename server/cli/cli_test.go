package cli

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

func runArgs(args ...string) (int, string, string) {
	var out, errOut strings.Builder
	code := Run(args, Env{Getenv: func(string) string { return "" }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
	return code, out.String(), errOut.String()
}

func TestCommandLine(t *testing.T) {
	if code, _, errOut := runArgs("--help"); code != 0 || !strings.Contains(errOut, "IMDESK_SECRET_KEY_FILE") || !strings.Contains(errOut, "imdesk mock") {
		t.Fatalf("--help: %d %s", code, errOut)
	}
	if code, _, errOut := runArgs("frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %s", code, errOut)
	}
	if code, _, errOut := runArgs("serve", "-addr", "nope"); code != 2 || !strings.Contains(errOut, "IMDESK_ADDR") {
		t.Fatalf("bad addr: %d %s", code, errOut)
	}
	if code, _, errOut := runArgs("mock"); code != 2 || !strings.Contains(errOut, "--sdkappid") {
		t.Fatalf("mock without app id: %d %s", code, errOut)
	}
	if code, _, errOut := runArgs("mock", "--sdkappid", "1", "--secret-key-file", "/nonexistent"); code != 2 || !strings.Contains(errOut, "--secret-key-file") {
		t.Fatalf("mock without key: %d %s", code, errOut)
	}
	bad := filepath.Join(t.TempDir(), "seed.json")
	os.WriteFile(bad, []byte(`{"users":[{"id":"a","x":1}]}`), 0o600)
	key := filepath.Join(t.TempDir(), "key")
	os.WriteFile(key, []byte("k\n"), 0o600)
	if code, _, errOut := runArgs("mock", "--sdkappid", "1", "--secret-key-file", key, "--seed", bad); code != 2 || !strings.Contains(errOut, "--seed") {
		t.Fatalf("mock with a bad seed: %d %s", code, errOut)
	}
}

// Demo mode's simulator answers signed calls with the demo data.
func TestDemoSimulator(t *testing.T) {
	cfg := &server.Config{AdminIdentifier: "administrator", Demo: true}
	srv, err := startDemoSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if cfg.SDKAppID == 0 || len(cfg.SecretKey) < 32 || !strings.HasPrefix(cfg.TencentURL, "http://127.0.0.1:") {
		t.Fatalf("config after start: appid %d url %s", cfg.SDKAppID, cfg.TencentURL)
	}
	sig, err := tencentyun.GenUserSig(int(cfg.SDKAppID), cfg.SecretKey, cfg.AdminIdentifier, 3600)
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"sdkappid": {"1400000000"}, "identifier": {"administrator"}, "usersig": {sig}, "random": {"1"}, "contenttype": {"json"}}
	resp, err := http.Post(cfg.TencentURL+"/v4/group_open_attr_http_svc/get_group_attr?"+q.Encode(), "application/json",
		strings.NewReader(`{"GroupId":"@TGS#_trailhead"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"ActionStatus":"OK"`) || !strings.Contains(string(body), "Welcome to Trailhead") {
		t.Fatalf("demo group attributes: %s", body)
	}
}

// Demo mode never takes over a live panel's accounts, and a live panel never
// starts on a demo directory whose passwords were printed.
func TestDemoAndLiveDataDirsStayApart(t *testing.T) {
	ctx := context.Background()
	live := t.TempDir()
	db := openTestDB(t, live)
	if err := checkDataDirMode(ctx, db, live, false); err != nil {
		t.Fatalf("live on an empty dir: %v", err)
	}
	if code, _, errOut := runIn(live, runAccount)("a long enough password\n", "add", "mei", "--role", "moderator", "--scope", "@TGS#a,@TGS#b"); code != 0 {
		t.Fatalf("account add: %d %s", code, errOut)
	}
	if err := checkDataDirMode(ctx, db, live, true); err == nil || !strings.Contains(err.Error(), "live panel") {
		t.Fatalf("demo on a live dir: %v", err)
	}
	demo := t.TempDir()
	ddb := openTestDB(t, demo)
	if err := checkDataDirMode(ctx, ddb, demo, true); err != nil {
		t.Fatalf("demo on an empty dir: %v", err)
	}
	if err := checkDataDirMode(ctx, ddb, demo, false); err == nil || !strings.Contains(err.Error(), "demo mode") {
		t.Fatalf("live on a demo dir: %v", err)
	}
	// The command-line change is in the audit log.
	recs, err := db.Records(ctx, sqlite.Filter{Action: "account.add"})
	if err != nil || len(recs) != 1 || recs[0].Target != "mei" || !strings.Contains(string(recs[0].Request), "moderator") {
		t.Fatalf("audit of account add: %+v %v", recs, err)
	}
}

// The command line takes every scope form; an existing account's scope can
// be replaced; list says the scope in words; bad IDs are refused by name.
func TestAccountScopeForms(t *testing.T) {
	dir := t.TempDir()
	account := runIn(dir, runAccount)
	if code, out, errOut := account("a long enough password\n", "add", "mei", "--role", "moderator",
		"--scope", "@TGS#a", "--members-of", "@TGS#club,@TGS#team", "--users", "alice"); code != 0 ||
		!strings.Contains(out, "1 group, members of 2 groups, 1 user") {
		t.Fatalf("add: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := account("a long enough password\n", "add", "bad", "--role", "moderator", "--users", strings.Repeat("u", 33)); code != 1 ||
		!strings.Contains(errOut, "scope.users[0]") || !strings.Contains(errOut, "33 bytes") {
		t.Fatalf("bad user ID: %d %s", code, errOut)
	}
	if code, out, errOut := account("", "scope", "mei", "--users", "alice,bob"); code != 0 || !strings.Contains(out, "2 users") {
		t.Fatalf("scope: %d %s %s", code, out, errOut)
	}
	code, out, _ := account("", "list")
	if code != 0 || !strings.Contains(out, "users: alice, bob") || strings.Contains(out, "@TGS#club") {
		t.Fatalf("list after scope: %d %s", code, out)
	}
	db := openTestDB(t, dir)
	a, err := db.Account(context.Background(), "mei")
	if err != nil || len(a.Scope.Groups) != 0 || len(a.Scope.MembersOf) != 0 || len(a.Scope.Users) != 2 {
		t.Fatalf("stored scope: %+v %v", a, err)
	}
	if code, out, _ := account("", "scope", "mei", "--scope", "*"); code != 0 || !strings.Contains(out, "everything") {
		t.Fatalf("scope *: %d %s", code, out)
	}
}

// imdesk backup copies the database and checks the copy; it names what is
// wrong when it cannot.
func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		if k == "IMDESK_DATA_DIR" {
			return dir
		}
		return ""
	}
	var out, errOut strings.Builder
	if code := runAccount([]string{"add", "mei", "--role", "viewer"}, env, strings.NewReader("a long enough password\n"), &out, &errOut); code != 0 {
		t.Fatalf("account add: %s", errOut.String())
	}
	file := filepath.Join(t.TempDir(), "imdesk-backup.db")
	out.Reset()
	if code := runBackup([]string{file}, env, &out, &errOut); code != 0 || !strings.Contains(out.String(), "1 audit entries, chain intact") {
		t.Fatalf("backup: %d %s %s", code, out.String(), errOut.String())
	}
	errOut.Reset()
	if code := runBackup([]string{file}, env, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "exists") {
		t.Fatalf("backup over a file: %d %s", code, errOut.String())
	}
	errOut.Reset()
	if code := runBackup(nil, env, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "name the file") {
		t.Fatalf("backup without a file: %d %s", code, errOut.String())
	}
}

// The audit commands: checkpoint prints the head; verify holds the log to
// it, and fails once the newest entries are cut off, even with the
// triggers dropped; a key kept outside the data directory is used.
func TestAuditCheckpointAndVerify(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(t.TempDir(), "audit.key")
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		return runArgs(append(args, "--data-dir", dir, "--audit-key-file", keyFile)...)
	}
	if code, _, errOut := runIn(dir, runAccount)("a long enough password\n", "add", "mei", "--role", "admin", "--audit-key-file", keyFile); code != 0 {
		t.Fatalf("account add: %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, sqlite.AuditKeyFile)); err == nil {
		t.Fatal("a key was made in the data directory although IMDESK_AUDIT_KEY_FILE names one")
	}
	code, cpOut, errText := run("audit", "checkpoint")
	if code != 0 || !strings.HasPrefix(cpOut, "1:hmac-sha256:") {
		t.Fatalf("audit checkpoint: %d %q %s", code, cpOut, errText)
	}
	cp := strings.SplitN(cpOut, "\n", 2)[0]
	if code, out, _ := run("audit", "verify", "--checkpoint", cp); code != 0 || !strings.Contains(out, "intact: 1 entries") {
		t.Fatalf("verify: %d %s", code, out)
	}
	if code, _, errText := run("audit", "verify", "--checkpoint", "one:two"); code != 2 || !strings.Contains(errText, "<seq>:<hash>") {
		t.Fatalf("bad checkpoint: %d %s", code, errText)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DROP TRIGGER audit_no_delete; DELETE FROM audit`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if code, out, _ := run("audit", "verify"); code != 0 {
		t.Fatalf("an emptied log without a checkpoint: %d %s", code, out)
	}
	if code, out, _ := run("audit", "verify", "--checkpoint", cp); code != 1 || !strings.Contains(out, "BROKEN: audit entry 1") {
		t.Fatalf("an emptied log against the checkpoint: %d %s", code, out)
	}
	if code, _, errText := runArgs("audit", "verify", "--data-dir", dir, "--audit-key-file", filepath.Join(dir, "missing")); code != 2 || !strings.Contains(errText, "IMDESK_AUDIT_KEY_FILE") {
		t.Fatalf("missing key file: %d %s", code, errText)
	}
}

// Without IMDESK_AUDIT_KEY_FILE the key is made in the data directory once,
// with a warning every time it is used from there; a read-only command
// does without a key that does not exist yet.
func TestAuditKeyInDataDirWarns(t *testing.T) {
	dir := t.TempDir()
	if key, err := auditKey(dir, "", false, nil); err != nil || key != nil {
		t.Fatalf("read-only, no key yet: %x %v", key, err)
	}
	var warnings []string
	warn := func(msg string, _ ...any) { warnings = append(warnings, msg) }
	first, err := auditKey(dir, "", true, warn)
	if err != nil || len(first) != 32 {
		t.Fatalf("first start: %x %v", first, err)
	}
	again, err := auditKey(dir, "", true, warn)
	if err != nil || string(again) != string(first) {
		t.Fatalf("second start made another key: %v", err)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], "IMDESK_AUDIT_KEY_FILE") {
		t.Fatalf("warnings: %q", warnings)
	}
	info, err := os.Stat(filepath.Join(dir, sqlite.AuditKeyFile))
	if err != nil || info.Mode().Perm()&0o077 != 0 {
		t.Fatalf("key file: %v %v", info, err)
	}
}

// openTestDB opens the database in dir for the test, which closes it when
// it ends.
func openTestDB(t *testing.T, dir string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// command is a subcommand's run function (runAccount, runKeys).
type command func(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int

// runIn is cmd run on the data directory dir, with an empty environment
// and stdin as its standard input: its exit code, standard output and
// standard error.
func runIn(dir string, cmd command) func(stdin string, args ...string) (int, string, string) {
	return func(stdin string, args ...string) (int, string, string) {
		var out, errOut strings.Builder
		code := cmd(append(args, "--data-dir", dir), func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
		return code, out.String(), errOut.String()
	}
}
