package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/sqlite"
)

// openDataDir opens the database in IMDESK_DATA_DIR (or --data-dir).
func openDataDir(fs *flag.FlagSet, args []string, getenv func(string) string) (*sqlite.DB, []string, error) {
	def := getenv("IMDESK_DATA_DIR")
	if def == "" {
		def = "data"
	}
	dir := fs.String("data-dir", def, "data directory (env IMDESK_DATA_DIR)")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	db, err := sqlite.Open(*dir, sqlite.Options{})
	return db, fs.Args(), err
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
	role := fs.String("role", "", "viewer, moderator or admin (add)")
	groups := fs.String("scope", "", "comma-separated group IDs the account may see and, as moderator, change; * for everything (add, scope)")
	membersOf := fs.String("members-of", "", "comma-separated group IDs whose members' conversation groups and friend lists the account may see and change (add, scope)")
	users := fs.String("users", "", "comma-separated user IDs whose conversation groups and friend lists the account may see and change (add, scope)")
	// Flags may follow the account name.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	db, rest, err := openDataDir(fs, args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "imdesk account: %v\n", err)
		return 2
	}
	defer db.Close()
	if name == "" && len(rest) > 0 {
		name = rest[0]
	}
	ctx := context.Background()
	fail := func(err error) int { fmt.Fprintf(stderr, "imdesk account %s: %v\n", sub, err); return 1 }
	// Account changes made here are audited like those made in the panel.
	audit := func(request any) {
		req, _ := json.Marshal(request)
		actor := "command line"
		if u, err := user.Current(); err == nil {
			actor += " (" + u.Username + ")"
		}
		if _, err := db.Append(ctx, sqlite.Entry{Kind: sqlite.KindEvent, Actor: actor, Role: api.RoleAdmin, IP: "local",
			UserAgent: "imdesk account", RequestID: "cli", Action: "account." + sub, Target: name, Request: req,
			Outcome: sqlite.OutcomeOK}); err != nil {
			fmt.Fprintf(stderr, "imdesk account %s: done, but not recorded in the audit log: %v\n", sub, err)
		}
	}
	if sub != "list" && name == "" {
		return fail(errors.New("name the account"))
	}
	switch sub {
	case "add":
		if err := sqlite.CheckRole(*role); err != nil {
			return fail(fmt.Errorf("--role: %w", err))
		}
		scope := parseScope(*groups, *membersOf, *users)
		pw, err := readPassword(stdin)
		if err != nil {
			return fail(err)
		}
		if err := db.AddAccount(ctx, name, pw, *role, scope); err != nil {
			return fail(err)
		}
		audit(map[string]any{"role": *role, "scope": scope.Normalise()})
		fmt.Fprintf(stdout, "account %s added as %s, scope: %s\n", name, *role, scope.Normalise())
	case "scope":
		scope := parseScope(*groups, *membersOf, *users)
		before, err := db.Account(ctx, name)
		if err != nil {
			return fail(err)
		}
		if err := db.SetScope(ctx, name, scope); err != nil {
			return fail(err)
		}
		audit(map[string]any{"before": before.Scope, "scope": scope.Normalise()})
		fmt.Fprintf(stdout, "scope of %s: %s\n", name, scope.Normalise())
	case "passwd":
		pw, err := readPassword(stdin)
		if err != nil {
			return fail(err)
		}
		if err := db.SetPassword(ctx, name, pw); err != nil {
			return fail(err)
		}
		audit(map[string]any{})
		fmt.Fprintf(stdout, "password of %s changed; its sessions have ended\n", name)
	case "disable", "enable":
		if err := db.SetDisabled(ctx, name, sub == "disable"); err != nil {
			return fail(err)
		}
		audit(map[string]any{})
		fmt.Fprintf(stdout, "account %s %sd\n", name, sub)
	case "list":
		accts, err := db.Accounts(ctx)
		if err != nil {
			return fail(err)
		}
		for _, a := range accts {
			state := "active"
			if a.Disabled {
				state = "disabled"
			}
			scope := a.Scope.String()
			if a.Role == api.RoleAdmin {
				scope = "everything (admin)"
			}
			fmt.Fprintf(stdout, "%-20s %-10s %-9s %s\n", a.Name, a.Role, state, scope)
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
		return strings.Split(v, ",")
	}
	s := api.Scope{Groups: split(groups), MembersOf: split(membersOf), Users: split(users)}
	if slices.Contains(s.Groups, api.AllScope) {
		s = api.Scope{All: true}
	}
	return s
}

// runAudit is `imdesk audit verify`.
func runAudit(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("imdesk audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, _, err := openDataDir(fs, args[1:], getenv)
	if err != nil {
		fmt.Fprintf(stderr, "imdesk audit verify: %v\n", err)
		return 2
	}
	defer db.Close()
	n, broken, err := db.Verify(context.Background())
	if err != nil {
		fmt.Fprintf(stderr, "imdesk audit verify: %v\n", err)
		return 1
	}
	if broken != nil {
		fmt.Fprintf(stdout, "BROKEN: %v\n", broken)
		return 1
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries, each linked to the one before\n", n)
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
			err = db.SetPassword(ctx, a.name, a.password)
		}
		if err != nil {
			return nil, err
		}
	}
	return accts, nil
}
