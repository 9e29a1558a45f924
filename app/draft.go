package main

// Drafts: when the session ends while a page has unsaved edits (an
// administrator ended the account's sessions, or it went unused too long)
// and the moderator presses Save, the edits are not lost. The page's
// draft is kept in the device's local storage under the account and the
// page's address; the sign-in page says why the session ended and that the
// edits are kept; after signing in, the page puts the draft back, says so,
// and saves nothing until the moderator does. A draft keeps the version the
// edits were made against, so that a change someone made meanwhile is
// refused and shown as any other conflict.

import (
	"encoding/json"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// drafter is a page whose unsaved edits can be kept as a draft.
type drafter interface {
	page
	draft() any                 // the edits, with the version they were made against
	restoreDraft(b []byte) bool // puts a draft back; false if it does not fit
}

// draftKey is where a draft of the account's page at the current address
// is kept.
func draftKey(account string) string {
	u := app.Window().URL()
	return "imdesk.draft " + account + " " + u.Path + "?" + u.RawQuery
}

// signInNote is what the sign-in page says about why the session ended,
// and draftKept whether the edits were kept; both are said once.
var (
	signInNote string
	draftKept  bool
)

// keepDraft keeps the page's unsaved edits when its session has ended.
func keepDraft(ctx app.Context, p page) {
	d, ok := p.(drafter)
	if !ok || !unsavedChanges || currentSession == nil {
		return
	}
	b, err := json.Marshal(d.draft())
	if err == nil && ctx.LocalStorage().Set(draftKey(currentSession.Username), json.RawMessage(b)) == nil {
		draftKept = true
	}
}

// takeDraft puts back the draft kept for the account and this page, if
// any, and forgets it; it reports whether it did.
func takeDraft(ctx app.Context, d drafter) bool {
	if currentSession == nil || (mainLoad.b != nil && !mainLoad.b.keptAt.IsZero()) {
		return false // not onto what was last loaded offline: the draft waits for the page's own data
	}
	key := draftKey(currentSession.Username)
	var raw json.RawMessage
	if ctx.LocalStorage().Get(key, &raw) != nil || len(raw) == 0 || string(raw) == "null" {
		return false
	}
	ctx.LocalStorage().Del(key)
	return d.restoreDraft(raw)
}

// trueKeys are the keys of a set's members, for a draft.
func trueKeys(m map[string]bool) []string {
	var keys []string
	for k, v := range m {
		if v {
			keys = append(keys, k)
		}
	}
	return keys
}

// setOf is the set of keys, from a draft.
func setOf(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}
