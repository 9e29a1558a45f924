package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/imdesk/imdesk/server"
	"github.com/imdesk/imdesk/server/accounts"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

// openDataDir opens the database in IMDESK_DATA_DIR (or --data-dir) with
// the audit key of IMDESK_AUDIT_KEY_FILE (or --audit-key-file). A command
// that writes (writes) makes the key in the data directory if it is
// missing there, as the server does; one that only reads does without it
// when the log has no keyed entries. When it cannot open the database it
// returns nil and the exit code, having said why on stderr as cmd (nothing
// for -help, which is not a failure). The command's one positional
// argument (arg: an account's name, a file; nil for none) may stand before
// the flags, where the caller took it from, or after them, where this
// takes it from.
func openDataDir(fs *flag.FlagSet, args []string, getenv func(string) string, writes bool, stderr io.Writer, cmd string, arg *string) (*sqlite.DB, int) {
	db, rest, err := openDB(fs, args, getenv, writes)
	if errors.Is(err, flag.ErrHelp) {
		return nil, 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return nil, 2
	}
	if arg != nil && *arg == "" && len(rest) > 0 {
		*arg = rest[0]
	}
	return db, 0
}

// subcommand reads the subcommand of `imdesk cmd` from args, one of subs,
// and makes its flag set, for the flags in the args that follow it; when
// there is no such subcommand it says the usage and ok is false.
func subcommand(cmd string, args []string, stderr io.Writer, subs ...string) (sub string, fs *flag.FlagSet, rest []string, ok bool) {
	if len(args) == 0 || !slices.Contains(subs, args[0]) {
		fmt.Fprint(stderr, usage)
		return "", nil, nil, false
	}
	fs = flag.NewFlagSet("imdesk "+cmd+" "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	return args[0], fs, args[1:], true
}

// openDB parses the flags and opens the database, as openDataDir says.
func openDB(fs *flag.FlagSet, args []string, getenv func(string) string, writes bool) (*sqlite.DB, []string, error) {
	def := getenv("IMDESK_DATA_DIR")
	if def == "" {
		def = "data"
	}
	dir := fs.String("data-dir", def, "data directory (env IMDESK_DATA_DIR)")
	keyFile := fs.String("audit-key-file", getenv("IMDESK_AUDIT_KEY_FILE"), "file holding the audit key (env IMDESK_AUDIT_KEY_FILE; default: audit.key in the data directory)")
	url := fs.String("database-url", getenv("IMDESK_DATABASE_URL"), "postgres://… when the panel keeps its data in PostgreSQL (env IMDESK_DATABASE_URL)")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if err := server.CheckDatabaseURL(*url, *keyFile); err != nil {
		return nil, nil, err
	}
	key, err := auditKey(*dir, *keyFile, writes, nil)
	if err != nil {
		return nil, nil, err
	}
	db, err := sqlite.Open(*dir, sqlite.Options{AuditKey: key, DatabaseURL: *url})
	return db, fs.Args(), err
}

// auditKey loads the audit key from keyFile or, when that is empty, from
// audit.key in the data directory, made there when create is set. A key
// kept in the data directory protects nothing against someone who can
// write the database, so warn says so (the server logs it at every start).
func auditKey(dataDir, keyFile string, create bool, warn func(msg string, args ...any)) ([]byte, error) {
	if keyFile != "" {
		key, _, err := sqlite.LoadAuditKey(keyFile, false)
		if err != nil {
			return nil, fmt.Errorf("IMDESK_AUDIT_KEY_FILE: %w", err)
		}
		return key, nil
	}
	path := filepath.Join(dataDir, sqlite.AuditKeyFile)
	key, created, err := sqlite.LoadAuditKey(path, create)
	if errors.Is(err, os.ErrNotExist) && !create {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if warn != nil {
		warn("THE AUDIT KEY IS IN THE DATA DIRECTORY: whoever can write the database can also rewrite the audit log undetectably. "+
			"Move the key out of the data directory (e.g. a mounted secret) and set IMDESK_AUDIT_KEY_FILE; back it up.", "path", path, "created", created)
	}
	return key, nil
}

// readPassword takes the first line of standard input, so that a password
// never appears in the process list or the shell history.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("give the password on standard input, e.g. printf '%s\\n' \"$PASSWORD\" | imdesk account …")
	}
	return pw, sqlite.CheckPassword(pw)
}

// runAccount is `imdesk account add|passwd|disable|enable|list`.
func runAccount(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("imdesk account "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "", "viewer, moderator or admin (add, role)")
	groups := fs.String("scope", "", "comma-separated group IDs the account may see and, as moderator, change; * for everything (add, scope)")
	membersOf := fs.String("members-of", "", "comma-separated group IDs whose members (their profiles in the group, conversation groups and friend lists) the account may see and change (add, scope)")
	users := fs.String("users", "", "comma-separated user IDs whose conversation groups and friend lists the account may see and change (add, scope)")
	// Flags may follow the account name.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	db, code := openDataDir(fs, args, getenv, sub != "list", stderr, "imdesk account", &name)
	if db == nil {
		return code
	}
	defer db.Close()
	ctx := context.Background()
	fail := func(err error) int { fmt.Fprintf(stderr, "imdesk account %s: %v\n", sub, err); return 1 }
	// The command line administers accounts with the same code, rules and
	// audit entries as the admin pages.
	actor := accounts.Actor{Name: "command line", Role: api.RoleAdmin, IP: "local", UserAgent: "imdesk account", RequestID: "cli"}
	if u, err := user.Current(); err == nil {
		actor.Name += " (" + u.Username + ")"
	}
	ad := &accounts.Admin{DB: db, Now: time.Now, Idle: 24 * time.Hour, Max: 24 * time.Hour,
		Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	if sub != "list" && name == "" {
		return fail(errors.New("name the account"))
	}
	show := func(verb string, a api.Account) {
		fmt.Fprintf(stdout, "account %s %s: %s, scope: %s\n", a.Name, verb, a.Role, a.ScopeWords)
	}
	switch sub {
	case "add":
		pw, err := readPassword(stdin)
		if err != nil {
			return fail(err)
		}
		out, err := ad.Add(ctx, actor, api.AccountNew{Name: name, Role: *role, Scope: parseScope(*groups, *membersOf, *users)}, pw)
		if err != nil {
			return fail(err)
		}
		show("added", out.Account)
	case "scope", "role", "disable", "enable":
		var req api.AccountUpdate
		switch sub {
		case "scope":
			scope := parseScope(*groups, *membersOf, *users)
			req.Scope = &scope
		case "role":
			req.Role = role
		default:
			disabled := sub == "disable"
			req.Disabled = &disabled
		}
		a, err := ad.Update(ctx, actor, name, req)
		if err != nil {
			return fail(err)
		}
		if sub == "disable" {
			fmt.Fprintf(stdout, "account %s disabled; its sessions have ended\n", name)
		} else {
			show(map[string]string{"scope": "changed", "role": "changed", "enable": "enabled"}[sub], a)
		}
	case "passwd":
		pw, err := readPassword(stdin)
		if err != nil {
			return fail(err)
		}
		if err := ad.SetPassword(ctx, actor, name, pw); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "password of %s changed; its sessions have ended\n", name)
	case "reset":
		out, err := ad.ResetPassword(ctx, actor, name)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "one-time password of %s: %s\n(shown once; %s must set a new one at the next sign-in; their sessions have ended)\n",
			name, out.Password, name)
	case "end-sessions":
		if _, err := ad.EndSessions(ctx, actor, name); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "every session of %s has ended\n", name)
	case "list":
		list, err := ad.List(ctx)
		if err != nil {
			return fail(err)
		}
		for _, a := range list {
			state := "active"
			if a.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(stdout, "%-20s %-10s %-9s %s\n", a.Name, a.Role, state, a.ScopeWords)
			for _, l := range []struct {
				label string
				ids   []string
			}{{"groups", a.Scope.Groups}, {"members of", a.Scope.MembersOf}, {"users", a.Scope.Users}} {
				if len(l.ids) > 0 && a.Role != api.RoleAdmin {
					fmt.Fprintf(stdout, "%-20s   %s: %s\n", "", l.label, strings.Join(l.ids, ", "))
				}
			}
		}
	default:
		fmt.Fprintf(stderr, "imdesk account: unknown subcommand %q\n\n%s", sub, usage)
		return 2
	}
	return 0
}

// parseScope reads the scope flags: --scope holds group IDs or "*".
func parseScope(groups, membersOf, users string) api.Scope {
	split := func(v string) []string {
		if v == "" {
			return nil
		}
		// "a, b" on a command line means a and b: the spaces are the
		// flag's punctuation, not part of the IDs.
		out := strings.Split(v, ",")
		for i := range out {
			out[i] = strings.TrimSpace(out[i])
		}
		return out
	}
	s := api.Scope{Groups: split(groups), MembersOf: split(membersOf), Users: split(users)}
	if slices.Contains(s.Groups, api.AllScope) {
		s = api.Scope{All: true}
	}
	return s
}

// runAudit is `imdesk audit verify [--checkpoint SEQ:HASH]` and `imdesk
// audit checkpoint`.
func runAudit(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	sub, fs, args, ok := subcommand("audit", args, stderr, "verify", "checkpoint")
	if !ok {
		return 2
	}
	var checkpoints []sqlite.Checkpoint
	if sub == "verify" {
		fs.Func("checkpoint", "a checkpoint recorded earlier (SEQ:HASH, as imdesk audit checkpoint and the server log print it); repeatable", func(v string) error {
			c, err := sqlite.ParseCheckpoint(v)
			checkpoints = append(checkpoints, c)
			return err
		})
	}
	db, code := openDataDir(fs, args, getenv, false, stderr, "imdesk audit "+sub, nil)
	if db == nil {
		return code
	}
	defer db.Close()
	ctx := context.Background()
	if sub == "checkpoint" {
		c, err := db.Checkpoint(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "imdesk audit checkpoint: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s\ntime %s mac %s\n", c, c.Time.Format(time.RFC3339Nano), c.MAC)
		return 0
	}
	n, broken, err := db.Verify(ctx, checkpoints...)
	if err != nil {
		fmt.Fprintf(stderr, "imdesk audit verify: %v\n", err)
		return 1
	}
	if broken != nil {
		fmt.Fprintf(stdout, "BROKEN: %v\n", broken)
		return 1
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries, each linked to the one before", n)
	if len(checkpoints) > 0 {
		fmt.Fprintf(stdout, ", and %d checkpoint(s) still in it", len(checkpoints))
	}
	fmt.Fprintln(stdout)
	return 0
}

type demoAccount struct{ name, password, about string }

// demoScope is what the demo moderator may change: two communities and a
// public group, and the members of the first (their conversation groups
// and friend lists), so that refusals outside the scope can be tried too.
var demoScope = api.Scope{Groups: []string{"@TGS#_trailhead", "@TGS#_yuexiang", "@TGS#2J4SZEAEL"}, MembersOf: []string{"@TGS#_trailhead"}}

// demoMarker marks a data directory as demo mode's. Demo mode resets its
// accounts' passwords and prints them, so it refuses a directory that holds
// a live panel's accounts, and a live panel refuses a demo directory.
const demoMarker = "demo-mode"

// checkDataDirMode refuses to mix a live panel's data with demo mode's.
func checkDataDirMode(ctx context.Context, db *sqlite.DB, dataDir string, demo bool) error {
	_, err := os.Stat(filepath.Join(dataDir, demoMarker))
	isDemoDir := err == nil
	switch {
	case demo && !isDemoDir:
		accts, err := db.Accounts(ctx)
		if err != nil {
			return err
		}
		if len(accts) > 0 {
			return fmt.Errorf("%s holds the accounts of a live panel, and demo mode would reset their passwords; "+
				"start demo mode with another IMDESK_DATA_DIR, or configure IMDESK_SDKAPPID, the secret key and the region", dataDir)
		}
		return os.WriteFile(filepath.Join(dataDir, demoMarker), []byte("accounts here are demo accounts with printed passwords\n"), 0o600)
	case !demo && isDemoDir:
		return fmt.Errorf("%s was used by demo mode, whose account passwords were printed; use a new IMDESK_DATA_DIR for the live panel", dataDir)
	}
	return nil
}

// ensureDemoAccounts makes one account per role, with a new password at
// every start (printed on the console).
func ensureDemoAccounts(ctx context.Context, db *sqlite.DB) ([]demoAccount, error) {
	accts := []demoAccount{
		{"viewer", "", "reads everything, changes nothing"},
		{"moderator", "", "changes " + strings.Join(demoScope.Groups, ", ")},
		{"admin", "", "changes everything"},
	}
	for i := range accts {
		a := &accts[i]
		a.password = "demo-" + strings.ToLower(rand.Text()[:12])
		scope := api.Scope{All: true}
		if a.name == api.RoleModerator {
			scope = demoScope
		}
		err := db.AddAccount(ctx, a.name, a.password, a.name, scope)
		if err != nil && strings.Contains(err.Error(), "already exists") {
			err = db.SetPassword(ctx, a.name, a.password, false)
		}
		if err != nil {
			return nil, err
		}
	}
	return accts, nil
}
