//go:build !wasm

package main

import (
	"os"

	"github.com/imdesk/imdesk/server/cli"
	"github.com/imdesk/imdesk/web"
)

// version is set at build time (-ldflags "-X main.version=…") from the hash of
// app.wasm, so that only a new build looks like an update to installed apps.
var version string

// serverMain runs the command line: the panel's server and its tools.
func serverMain() {
	os.Exit(cli.Run(os.Args[1:], cli.Env{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Assets: web.Files, Version: version}))
}

// startingUp and started are the browser's (main_wasm.go).
func startingUp() {}
func started()    {}
