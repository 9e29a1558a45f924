package main

// What a page last loaded, kept on the device to be read offline
// (docs/offline.md, "What is kept").
//
// One rule, in base.send: an answer of a page's load (a GET) on one of the
// reading pages is kept in the device's local storage under the account
// signed in on this device and the API path; when the browser is offline
// and the same GET fails, the kept answer is given to the page in its
// place, and the page shows it as it shows any answer. The shell then says
// "Offline — shown as last loaded at HH:MM, may be out of date" above the
// page, whose changes are off anyway while offline (offline.go); when the
// connection is back, the page loads again and the note goes.
//
// Local storage rather than the service worker's cache: the app reads and
// writes it in one call from Go, knows the account when it does, and can
// remove an account's answers at sign-out without a message to the worker;
// the worker's cache is shared by every account and keyed by address only.

import (
	"net/url"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

const (
	keptPrefix  = "imdesk.kept "   // + account + " " + API path
	keptAccount = "imdesk.account" // the account signed in on this device
	keptMax     = 256 << 10        // an answer larger than this is not kept
)

// keptAnswer is a kept answer and when it was loaded.
type keptAnswer struct {
	At   time.Time `json:"at"`
	Body string    `json:"body"`
}

// keptPages are the pages whose loads are kept: pages to read, not the
// administrators' (accounts, health), nor members or bulk changes.
var keptPages = map[string]bool{pathGroups: true, pathGroup: true, pathConvGroups: true, pathFriendLists: true, pathAudit: true}

// keepable reports whether the answer to a GET of path on the page at
// route is kept: the finder's results, a group and its attributes, a user
// and the user's conversation groups or friend lists, and the audit log's
// filtered first page (a page after the first, with a cursor, is not).
func keepable(route, path string) bool {
	if !keptPages[route] {
		return false
	}
	u, err := url.Parse(path)
	if err != nil || u.Query().Has("cursor") || !strings.HasPrefix(u.EscapedPath(), "/api/v1/") {
		return false
	}
	seg := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/api/v1/"), "/")
	switch {
	case len(seg) == 1:
		return seg[0] == "groups" || seg[0] == "audit"
	case len(seg) == 2:
		return (seg[0] == "groups" || seg[0] == "users") && seg[1] != ""
	case len(seg) == 3:
		return (seg[0] == "groups" && seg[2] == "attributes") ||
			(seg[0] == "users" && (seg[2] == "conversation-groups" || seg[2] == "friend-lists"))
	}
	return false
}

// kept keeps an answer to a GET of path, or, offline, gives the kept one
// in place of the failure, noting its time in b.keptAt.
func (b *base) kept(ctx app.Context, path string, r response) response {
	if app.IsServer || !keepable(app.Window().URL().Path, path) {
		return r
	}
	var account string
	if ctx.LocalStorage().Get(keptAccount, &account) != nil || account == "" {
		return r
	}
	key := keptPrefix + account + " " + path
	switch {
	case r.ok() && r.status == 200:
		if len(r.body) > keptMax || ctx.LocalStorage().Set(key, keptAnswer{At: time.Now(), Body: string(r.body)}) != nil {
			ctx.LocalStorage().Del(key) // never an older answer than the last one seen
		}
	case r.err != nil && r.err.Code == "network" && browserOffline():
		var k keptAnswer
		if ctx.LocalStorage().Get(key, &k) != nil || k.Body == "" {
			return r
		}
		if b.keptAt.IsZero() || k.At.Before(b.keptAt) {
			b.keptAt = k.At
		}
		return response{status: 200, body: []byte(k.Body)}
	}
	return r
}

// signedIn notes the account signed in on this device; what was kept for
// any other account is removed.
func signedIn(ctx app.Context, account string) {
	var was string
	_ = ctx.LocalStorage().Get(keptAccount, &was)
	if was != account {
		_ = ctx.LocalStorage().Set(keptAccount, account)
	}
	forgetKept(ctx, account)
}

// signedOut removes everything kept, and the account: at sign-out, and
// when the session has ended.
func signedOut(ctx app.Context) {
	ctx.LocalStorage().Del(keptAccount)
	forgetKept(ctx, "")
}

// forgetKept removes the kept answers of every account but except.
func forgetKept(ctx app.Context, except string) {
	ctx.LocalStorage().ForEach(func(k string) {
		if strings.HasPrefix(k, keptPrefix) && (except == "" || !strings.HasPrefix(k, keptPrefix+except+" ")) {
			ctx.LocalStorage().Del(k)
		}
	})
}

// keptNote says, above a page that shows kept answers, when they were
// loaded.
func keptNote(a actor) app.UI {
	b := mainLoad.b
	if b == nil || b.keptAt.IsZero() || b.state != stateReady {
		return nil
	}
	at := inZone(b.keptAt)
	when := clock(at)
	if y, m, d := inZone(time.Now()).Date(); at.Year() != y || at.Month() != m || at.Day() != d {
		when = at.Format("2006-01-02 15:04")
	}
	return keptNoteView.ui(a, tr("OfflineKept", when))
}

var keptNoteView = &view{src: `<p class="alert alert-warn kept-note" role="status">{0}</p>`}
