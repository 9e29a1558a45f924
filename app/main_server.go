//go:build !wasm

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/imdesk/imdesk/server"
	"github.com/imdesk/imdesk/web"
)

// version is set at build time (-ldflags "-X main.version=…") from the hash of
// app.wasm, so that only a new build looks like an update to installed apps.
var version string

const usage = `imdesk — admin panel for Tencent Cloud Chat

Usage:
  imdesk [serve] [flags]   start the panel (demo mode without Tencent credentials)
  imdesk healthcheck       exit 0 when the panel at IMDESK_ADDR answers /healthz

`

func serverMain() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run dispatches the subcommands and returns the exit code.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, getenv, stdout, stderr)
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

func serve(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
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
	log := slog.New(slog.NewTextHandler(stderr, nil))

	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		fmt.Fprintf(stderr, "imdesk: IMDESK_DATA_DIR: cannot create %s: %v\n", cfg.DataDir, errors.Unwrap(err))
		return 2
	}

	srv, err := server.New(server.Options{Config: cfg, Assets: web.Files, Version: version, Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "imdesk: %v\n", err)
		return 1
	}
	if err := srv.Open(); err != nil {
		fmt.Fprintf(stderr, "imdesk: IMDESK_ADDR: %v\n", err)
		return 1
	}
	log.Info("imdesk started", "config", cfg.String(), "version", version)
	if cfg.Demo() {
		fmt.Fprintln(stdout, "DEMO MODE: no Tencent credentials are configured; changes go to the built-in simulator.")
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
