package main

// Offline, and a request that hangs, as one rule for every page.
//
// The installed app opens every page offline (the service worker answers
// a page it does not hold with the app's shell: server/worker.go). While
// the browser is offline the shell says so on every page, and the page's
// controls are disabled (a disabled fieldset around the page's content):
// nothing can be changed, or asked, that cannot be sent; what is typed
// stays in the fields. A change sent all the same (by a script, or in the
// moment the connection drops) is refused in the page without a request.
// When the connection is back, the shell asks for the session again if it
// had none, and a page whose load failed loads again by itself
// ("retry", which every page has).
//
// A page's load that has no answer after slowAfter says so, with Try
// again, while it goes on waiting: the answer, if it comes, is shown. A
// change with no answer after slowAfter is said in the shell, on every
// page, without a button to send it again: it may still be made, and
// the page waits for its answer.

import (
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// offline is the browser's word that it has no network (navigator.onLine).
var offline bool

// slowAfter is how long a page's load waits before it says it is slow:
// 10 seconds in the browser (main_wasm.go); the unit tests, whose engine
// waits for every goroutine, leave it 0, which turns the watch off.
var slowAfter time.Duration

// mainLoad is the page of the last main load (base.load), to load again
// when the connection is back.
var mainLoad struct {
	p page
	b *base
}

// browserOffline reads navigator.onLine.
func browserOffline() bool {
	if app.IsServer {
		return false
	}
	on := app.Window().Get("navigator").Get("onLine")
	return !on.IsUndefined() && !on.Truthy()
}

// watchConnection follows the browser's online and offline events for
// the shell s until it is dismounted.
func (s *shell) watchConnection(ctx app.Context) {
	offline = browserOffline()
	s.connection = app.FuncOf(func(_ app.Value, args []app.Value) any {
		on := args[0].Get("type").String() == "online"
		ctx.Dispatch(func(ctx app.Context) { s.connectionChanged(ctx, on) })
		return nil
	})
	app.Window().Call("addEventListener", "online", s.connection)
	app.Window().Call("addEventListener", "offline", s.connection)
}

func (s *shell) OnDismount() {
	if s.connection != nil {
		app.Window().Call("removeEventListener", "online", s.connection)
		app.Window().Call("removeEventListener", "offline", s.connection)
		s.connection.Release()
		s.connection = nil
	}
}

// connectionChanged shows the change; when the connection is back, what
// failed without it is asked again, and a page that shows what it last
// loaded (kept.go) loads again.
func (s *shell) connectionChanged(ctx app.Context, on bool) {
	offline = !on
	if on {
		s.reconnected(ctx, 0)
	}
}

// reconnected asks again for what failed without the connection. The
// browser says it is online a moment before every request can go (the
// service worker's own fetches among them), so what fails again is asked
// once more after a second or two, a few times.
func (s *shell) reconnected(ctx app.Context, attempt int) {
	if offline {
		return
	}
	again := false
	if s.session == nil && currentSession == nil && s.Ipath != pathSignIn {
		s.send("session", "GET", "/api/v1/session")
		again = true
	}
	if m := mainLoad; m.b != nil && (m.b.state == stateFailed || !m.b.keptAt.IsZero()) {
		m.p.act(m.b.ctx, event{name: "retry"})
		again = true
	}
	if again && attempt < 3 && !app.IsServer {
		ctx.After(time.Duration(attempt+1)*time.Second, func(ctx app.Context) { s.reconnected(ctx, attempt+1) })
	}
}

var offlineBanner = &view{src: `<div class="banner banner-offline" role="status"><span>{@Offline}</span></div>`}

// offlineLock is the page's content, disabled while offline.
// keptNote, when the page shows what it last loaded, is above it.
var offlineLock = &view{src: `<fieldset class="offline-lock" disabled={0}>{1}{2}</fieldset>`}

var slowView = &view{src: `<div><p class="loading" role="status" aria-busy="true"><span class="spinner" aria-hidden="true"></span><span>{@Loading}</span></p>
  <div class="alert alert-warn" role="alert"><p>{@SlowAnswer}</p><button class="button" type="button" on:click="retry">{@TryAgain}</button></div></div>`}

// watchSlow makes the load b started say it is slow if it still has no
// answer after slowAfter.
func (b *base) watchSlow() {
	b.loads++
	n := b.loads
	b.slow = false
	if slowAfter == 0 || app.IsServer {
		return
	}
	b.ctx.After(slowAfter, func(app.Context) {
		if b.loads == n && b.state == stateLoading {
			b.slow = true
		}
	})
}

// changes are the changes sent and not yet answered, by number; slow
// says one of them has waited longer than slowAfter. An answer is noted
// where it arrives, off the UI goroutine, so that a page left meanwhile
// (whose dispatches go-app drops) does not leave the note behind.
var changes struct {
	sync.Mutex
	inFlight map[int]bool
	count    int
	slow     bool
}

// slowChange says a change has waited longer than slowAfter.
func slowChange() bool {
	changes.Lock()
	defer changes.Unlock()
	return changes.slow
}

// changeSent notes a change on its way; the function returned notes its
// answer.
func changeSent(ctx app.Context) (answered func()) {
	changes.Lock()
	defer changes.Unlock()
	if changes.inFlight == nil {
		changes.inFlight = map[int]bool{}
	}
	changes.count++
	n := changes.count
	changes.inFlight[n] = true
	if slowAfter > 0 && !app.IsServer {
		ctx.After(slowAfter, func(app.Context) {
			changes.Lock()
			defer changes.Unlock()
			if changes.inFlight[n] {
				changes.slow = true
			}
		})
	}
	return func() {
		changes.Lock()
		defer changes.Unlock()
		delete(changes.inFlight, n)
		if len(changes.inFlight) == 0 {
			changes.slow = false
		}
	}
}

var slowChangeBanner = &view{src: `<div class="banner banner-offline" role="alert"><span>{@SlowChange}</span></div>`}
