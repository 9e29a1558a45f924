// Package cli is imdesk's command line: serve (the panel), mock (the
// Tencent simulator on its own), account, audit and keys (administration of a
// data directory), and healthcheck (for the container image). The program's
// main, in app/, only registers the browser app's pages and calls Run.
package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/imdesk/imdesk/server"
	"github.com/imdesk/imdesk/server/sqlite"
	"github.com/imdesk/imdesk/server/tim"
	"github.com/imdesk/imdesk/server/timmock"
)

// Env is what a command runs with: the process's environment and streams,
// and what the build put in (the web/ files and the version).
type Env struct {
	Getenv         func(string) string
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Assets         fs.FS  // the web/ folder: icons, styles, app.wasm
	Version        string // the build's version (the hash of app.wasm)
}

const usage = `imdesk — admin panel for Tencent Cloud Chat

Usage:
  imdesk [serve] [flags]   start the panel (demo mode without Tencent credentials)
  imdesk account add NAME --role viewer|moderator|admin [--scope GROUP,GROUP|*]
                           [--members-of GROUP,GROUP] [--users USER,USER]
                           create a panel account (password read from standard input);
                           the scope names groups, members of groups, and users
  imdesk account scope NAME [--scope …] [--members-of …] [--users …]
                           replace an account's scope
  imdesk account role NAME --role viewer|moderator|admin
  imdesk account reset NAME     a one-time password, to be replaced at the next sign-in
  imdesk account end-sessions NAME   sign the account out everywhere now
  imdesk account passwd NAME    set a new password (read from standard input)
  imdesk account disable NAME   disable an account and end its sessions
  imdesk account enable NAME    enable it again
  imdesk account list           list accounts
  imdesk keys export FILE  write the registry of attribute keys to FILE (- for standard output)
  imdesk keys import FILE  replace the registry with FILE's (- for standard input), all or nothing
  imdesk backup FILE       copy the database to FILE, consistently, while the panel runs
                           (SQLite; on PostgreSQL it says to use pg_dump)
  imdesk migrate           bring the database's schema up to date now, and say its version
  imdesk audit verify [--checkpoint SEQ:HASH]
                           check the audit log's keyed chain, and that the entry
                           a checkpoint recorded earlier is still there, unchanged
  imdesk audit checkpoint  print the chain's head (SEQ:HASH) for safekeeping
  imdesk mock [flags]      run the Tencent Cloud Chat simulator on its own
  imdesk healthcheck       exit 0 when the panel at IMDESK_ADDR answers /healthz

`

// Run dispatches the subcommands and returns the exit code.
func Run(args []string, env Env) int {
	// Every file the panel makes holds something of the database's (the
	// database and SQLite's side files, the keys, backups): none is for
	// other users of the machine. The data store sets its own files' modes
	// as well, because a umask only holds for the process that sets it and
	// SQLite gives its side files the database's mode; the umask covers
	// what is made elsewhere (SQLite's temporary files, the demo marker,
	// files added later) whatever umask the panel was started with.
	restrictUmask()
	getenv, stdout, stderr := env.Getenv, env.Stdout, env.Stderr
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, env)
	case "mock":
		return runMock(args, stdout, stderr)
	case "account":
		return runAccount(args, getenv, env.Stdin, stdout, stderr)
	case "audit":
		return runAudit(args, getenv, stdout, stderr)
	case "keys":
		return runKeys(args, getenv, env.Stdin, stdout, stderr)
	case "backup":
		return runBackup(args, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(args, getenv, stdout, stderr)
	case "healthcheck":
		return healthcheck(getenv, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "imdesk: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}

func serve(args []string, env Env) int {
	getenv, stdout, stderr := env.Getenv, env.Stdout, env.Stderr
	fs := flag.NewFlagSet("imdesk serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\nConfiguration:\n%s", usage, server.ConfigHelp)
		fs.PrintDefaults()
	}
	cfg, err := server.ParseConfig(fs, args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "imdesk: %v\n", err)
		return 2
	}
	log, err := server.NewLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		fmt.Fprintf(stderr, "imdesk: %v\n", err)
		return 2
	}

	if err := refuseShared(cfg.DataDir, cfg.AuditKeyFile); err != nil {
		fmt.Fprintf(stderr, "imdesk: %v\n", err)
		return 2
	}
	key, err := auditKey(cfg.DataDir, cfg.AuditKeyFile, true, log.Warn)
	if err != nil {
		fmt.Fprintf(stderr, "imdesk: %v\n", err)
		return 2
	}
	db, err := sqlite.Open(cfg.DataDir, sqlite.Options{AuditKey: key, DatabaseURL: cfg.DatabaseURL})
	if err != nil {
		where := "IMDESK_DATA_DIR"
		if cfg.DatabaseURL != "" {
			where = "IMDESK_DATABASE_URL"
		}
		fmt.Fprintf(stderr, "imdesk: %s: %v\n", where, err)
		return 2
	}
	defer db.Close()
	if err := db.StartKeyed(context.Background()); err != nil {
		fmt.Fprintf(stderr, "imdesk: audit log: %v\n", err)
		return 1
	}
	// Changes whose answer was never recorded (the process stopped) are
	// marked unknown before anything else happens.
	if n, err := db.RecoverPending(context.Background()); err != nil {
		fmt.Fprintf(stderr, "imdesk: audit log: %v\n", err)
		return 1
	} else if n > 0 {
		log.Warn("changes from before the last stop have an unknown outcome; see the audit log", "count", n)
	}

	if err := checkDataDirMode(context.Background(), db, cfg.DataDir, cfg.Demo); err != nil {
		fmt.Fprintf(stderr, "imdesk: IMDESK_DATA_DIR: %v\n", err)
		return 2
	}
	if cfg.Demo {
		mock, err := startDemoSimulator(cfg)
		if err != nil {
			fmt.Fprintf(stderr, "imdesk: demo mode: %v\n", err)
			return 1
		}
		defer mock.Close()
	}
	reps, err := server.JoinReplicas(context.Background(), db, log)
	if err != nil {
		fmt.Fprintf(stderr, "imdesk: IMDESK_DATABASE_URL: %v\n", err)
		return 1
	}
	var live func() int
	if reps != nil {
		live = reps.Live
	}
	metrics := server.NewMetrics()
	client, err := tim.New(tim.Config{BaseURL: cfg.TencentURL, SDKAppID: cfg.SDKAppID, SecretKey: cfg.SecretKey,
		Admin: cfg.AdminIdentifier, Logger: log, Observer: metrics, Replicas: live})
	if err != nil {
		fmt.Fprintf(stderr, "imdesk: %v\n", err)
		return 1
	}

	srv, err := server.New(server.Options{Config: cfg, Assets: env.Assets, DB: db, Tencent: client, Version: env.Version, Logger: log, Metrics: metrics})
	if err != nil {
		fmt.Fprintf(stderr, "imdesk: %v\n", err)
		return 1
	}
	var demoAccounts []demoAccount
	if cfg.Demo {
		if demoAccounts, err = ensureDemoAccounts(context.Background(), db); err != nil {
			fmt.Fprintf(stderr, "imdesk: demo accounts: %v\n", err)
			return 1
		}
	}
	if err := srv.Open(); err != nil {
		fmt.Fprintf(stderr, "imdesk: IMDESK_ADDR: %v\n", err)
		return 1
	}
	log.Info("imdesk started", "config", cfg.String(), "version", env.Version)
	if cfg.Demo {
		fmt.Fprintln(stdout, "DEMO MODE: no Tencent credentials are configured; changes go to the built-in simulator.")
		fmt.Fprintln(stdout, "Demo accounts (new passwords at every start):")
		for _, a := range demoAccounts {
			fmt.Fprintf(stdout, "  account %-10s password %s  (%s)\n", a.name, a.password, a.about)
		}
	}
	if a := srv.MetricsAddr(); a != "" {
		fmt.Fprintf(stdout, "metrics are served on http://%s/metrics\n", a)
	}
	fmt.Fprintf(stdout, "imdesk is listening on http://%s\n", srv.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	<-ctx.Done()
	stop()
	log.Info("shutting down; waiting for requests in flight", "timeout", cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Close(shutdownCtx); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	if reps != nil {
		reps.Leave(shutdownCtx)
	}
	log.Info("stopped")
	return 0
}

// healthcheck asks the running panel for /healthz; the container image uses
// it because it has no shell or curl.
func healthcheck(getenv func(string) string, stderr io.Writer) int {
	addr := getenv("IMDESK_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	if strings.HasPrefix(addr, ":") || strings.HasPrefix(addr, "0.0.0.0:") {
		addr = "127.0.0.1:" + addr[strings.LastIndex(addr, ":")+1:]
	}
	c := &http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get("http://" + addr + "/healthz")
	if err != nil {
		fmt.Fprintf(stderr, "imdesk healthcheck: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "imdesk healthcheck: /healthz answered %s\n", resp.Status)
		return 1
	}
	return 0
}

// demoAppID is the SDKAppID of the simulated app in demo mode.
const demoAppID = 1400000000

// startDemoSimulator runs the simulator with the demo data on a loopback
// port and points cfg at it, with a secret key made for this run only.
func startDemoSimulator(cfg *server.Config) (*timmock.Server, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	cfg.SDKAppID, cfg.SecretKey = demoAppID, hex.EncodeToString(key)
	m := timmock.New(timmock.Options{SDKAppID: cfg.SDKAppID, SecretKey: cfg.SecretKey, Admins: []string{cfg.AdminIdentifier}})
	seed := timmock.Demo()
	if err := m.Seed(seed); err != nil {
		return nil, err
	}
	if len(cfg.MemberDataKeys) == 0 {
		cfg.MemberDataKeys = seed.MemberDataKeys
	}
	srv, err := m.Listen("127.0.0.1:0", false)
	if err != nil {
		return nil, err
	}
	cfg.TencentURL = srv.URL
	return srv, nil
}

// runMock is `imdesk mock`: the simulator on its own, for tests that inject
// faults from another process and for trying clients against it.
func runMock(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("imdesk mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on (port 0 picks a free one)")
	appID := fs.Uint64("sdkappid", 0, "SDKAppID of the simulated app (required)")
	keyFile := fs.String("secret-key-file", "", "file holding the secret key UserSigs are checked against (required)")
	admin := fs.String("admin-identifier", "administrator", "the app admin account")
	seed := fs.String("seed", "", "JSON seed file with users, groups, friends, lists (see server/timmock/demo.json)")
	demo := fs.Bool("demo", false, "load the built-in demo data (after --seed, if both)")
	control := fs.Bool("control", false, "enable the fault-injection control endpoint under /control/")
	basic := fs.Bool("basic", false, "simulate a basic-edition app (conversation groups refused with 51013)")
	groups := fs.Int("groups", 0, "add this many synthetic groups (CJK and Latin names, every type), after --seed and --demo")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *appID == 0 {
		fmt.Fprintln(stderr, "imdesk mock: --sdkappid is required")
		return 2
	}
	if *keyFile == "" {
		fmt.Fprintln(stderr, "imdesk mock: --secret-key-file is required")
		return 2
	}
	key, err := os.ReadFile(*keyFile)
	if err != nil || strings.TrimSpace(string(key)) == "" {
		fmt.Fprintf(stderr, "imdesk mock: --secret-key-file: cannot read a key from %s\n", *keyFile)
		return 2
	}
	m := timmock.New(timmock.Options{SDKAppID: *appID, SecretKey: strings.TrimSpace(string(key)), Admins: []string{*admin}, Basic: *basic})
	if *seed != "" {
		s, err := timmock.LoadSeed(*seed)
		if err == nil {
			err = m.Seed(s)
		}
		if err != nil {
			fmt.Fprintf(stderr, "imdesk mock: --seed: %v\n", err)
			return 2
		}
	}
	if *demo {
		if err := m.Seed(timmock.Demo()); err != nil {
			fmt.Fprintf(stderr, "imdesk mock: --demo: %v\n", err)
			return 1
		}
	}
	if *groups != 0 {
		if err := m.Seed(&timmock.Seed{Generate: *groups}); err != nil {
			fmt.Fprintf(stderr, "imdesk mock: --groups: %v\n", err)
			return 2
		}
	}
	srv, err := m.Listen(*addr, *control)
	if err != nil {
		fmt.Fprintf(stderr, "imdesk mock: --addr: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "imdesk mock is listening on %s\n", srv.URL)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	_ = srv.Close()
	return 0
}
