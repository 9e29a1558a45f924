package main

// A change a page makes, in one place for the pages that change a family
// (conversation groups, friend lists, group attributes): one at a time;
// sent with the version the page shows (If-Match), so that someone else's
// change in between is refused with 412 instead of overwritten; answered
// with the state after it and, where Tencent answers item by item, a
// result per row; and, on the pages about one user, shown in one status
// area — done, the rows Tencent refused, "changed meanwhile" with Reload,
// or the error. (The attribute editor shows someone else's change itself:
// attributes-conflict.go.)

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// pageChange is the state of a page's last change.
type pageChange struct {
	busy     bool // on its way: the page's buttons wait
	done     bool // made (some rows may still have been refused)
	conflict bool // someone else changed the data first (412)
	err      *api.Error
	results  []api.ItemResult
	after    string // what the page empties once the change is made
}

// unlessBusy is close (a page's dialog or confirmation closing on
// Escape), doing nothing while the change is on its way.
func (c *pageChange) unlessBusy(close func()) func() {
	return func() {
		if !c.busy {
			close()
		}
	}
}

// start sends a change made against the state of the given version; the
// page's got takes the answer under "changed" with answer. after names
// what the page empties once the change is made.
func (c *pageChange) start(b *base, p page, method, path string, body any, version, after string) {
	c.busy, c.err, c.done, c.results, c.after = true, nil, false, nil, after
	b.send(p, "changed", method, path, body, map[string]string{"If-Match": `"` + version + `"`})
}

// answer takes a change's answer into state (the family's type, which the
// page then takes as its own, with its Results given to c.results) and
// reports whether the change was made. A 412 shows "changed meanwhile";
// another failure is c.err.
//
// One rule for every page: the answer is shown where the person is
// looking. The focus moves to the status area statusID, which holds the
// result and the error alike, and the browser scrolls it into view — a
// failure as much as a success (a dialog closes on either: the edits stay
// on the page). Only "changed meanwhile" is shown by the page itself.
func (c *pageChange) answer(ctx app.Context, r response, state any, statusID string) (made bool) {
	c.busy = false
	if r.status == 412 {
		c.conflict = true
		return false
	}
	defer focusLater(ctx, statusID)
	if e := r.decode(state); e != nil {
		c.err = e
		return false
	}
	c.done = true
	return true
}

var changeStatus = &view{src: `<div id="{0}" tabindex="-1"><div role="status">{1}</div>{2}{3}{4}</div>`}
var failedRows = &view{src: `<div class="alert alert-warn" role="alert"><p>{0}</p><ul>{1}</ul></div>`}
var changedMeanwhile = &view{src: `<div class="alert alert-warn" role="alert"><p>{0}</p><button class="button" type="button" on:click="reload">{1}</button></div>`}

// changeWords are the messages a page's status area says its change in.
type changeWords struct {
	someFailed string // {@Key failed all}
	changed    string // someone else changed the data
}

// view is the status area id: how the last change went, row by row
// (label names a row) when Tencent refused some; "changed meanwhile" with
// Reload (act "reload"); or the error.
func (c *pageChange) view(a actor, id string, words changeWords, label func(api.ItemResult) string) app.UI {
	var failed []app.UI
	for _, r := range c.results {
		if !r.OK {
			failed = append(failed, liText.ui(a, tr("ConvGroups.Failed", label(r), r.Message)))
		}
	}
	var ok, some, conflict app.UI
	if c.done && len(failed) == 0 {
		ok = okText.ui(a, message("ConvGroups.Done"))
	}
	if len(failed) > 0 {
		some = failedRows.ui(a, tr(words.someFailed, len(failed), len(c.results)), failed)
	}
	if c.conflict {
		conflict = changedMeanwhile.ui(a, message(words.changed), message("ConvGroups.Reload"))
	}
	return changeStatus.ui(a, id, ok, some, conflict, errorView(a, c.err))
}
