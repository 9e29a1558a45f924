//go:build wasm

package main

import (
	"runtime/debug"
	"sync"
	"time"
)

// serverMain is never reached in the browser: app.RunWhenOnBrowser blocks.
func serverMain() {}

// startingUp turns the garbage collector off while the app starts: until
// the first page has mounted it only allocates (routes, the first views,
// the first DOM), and a collection then is start-up time a person waits for
// (about 6 % of a cold start, measured against the floor in docs/startup.md).
// started turns it back on, once: when the shell has mounted, or after 10 s
// on a page without it (go-app's "not found").
func startingUp() {
	debug.SetGCPercent(-1)
	time.AfterFunc(10*time.Second, started)
}

var started = sync.OnceFunc(func() { debug.SetGCPercent(100) })
