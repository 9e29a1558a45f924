//go:build wasm

package main

import (
	"runtime/debug"
	"sync"
	"time"
)

// serverMain is never reached in the browser: app.RunWhenOnBrowser blocks.
func serverMain() {}

func init() { slowAfter = 10 * time.Second } // offline.go

// startingUp turns the garbage collector off while the app starts: until
// the first page has mounted it only allocates (routes, the first views,
// the first DOM), and a collection then is start-up time a person waits for
// (about 6 % of a cold start, measured against the floor in docs/startup.md).
// started turns it back on, once: when the shell has mounted, or after 10 s
// on a page without it (go-app's "not found").
func startingUp() {
	debug.SetGCPercent(-1)
	growStack(0)
	time.AfterFunc(10*time.Second, started)
}

var started = sync.OnceFunc(func() { debug.SetGCPercent(100) })

// growStack grows the main goroutine's stack once, while it is shallow.
// Otherwise it grows by doubling during the first render, go-app's deep
// recursion, and each growth copies every frame, looking up each one's
// pointer maps (runtime.pcvalue): hot enough that V8 recompiles it with its
// optimising compiler during start-up (docs/startup.md, "Fourth round").
// Until the garbage collector runs again (started), the stack stays grown.
//
//go:noinline
func growStack(i int) byte {
	var b [120 << 10]byte // under the compiler's 128 KB limit for a local
	b[i] = byte(i)
	return b[len(b)-1-i]
}
