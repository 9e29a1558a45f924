package main

// When someone else saves the group first (412), the editor shows what
// they changed, in view and focused, and offers to keep both: the
// moderator's edits put on top of the current attributes, key by key. Where
// both changed the same key differently, the moderator picks which stays.

import (
	"fmt"
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// conflict is the current attributes and how they differ from what the
// editor loaded.
type conflict struct {
	current    api.Attributes
	theirs     diff // loaded → current
	collisions []collision
	state      viewState
	err        *api.Error
}

// collision is a key both changed differently.
type collision struct {
	key          string
	theirs, mine string // "" with gone set: removed
	theirsGone   bool
	mineGone     bool
	keepMine     bool
}

// loadConflict reads the current attributes; got works out both changes.
func (p *attributesPage) loadConflict() {
	p.conflict = &conflict{state: stateLoading}
	p.showConflict()
	p.send(p, "conflict", "GET", groupPath(p.groupID)+"/attributes", nil, nil)
}

// showConflict scrolls the warning into view and moves the focus to it, so
// a phone user sees it and a screen reader reads it.
func (p *attributesPage) showConflict() {
	p.ctx.Defer(func(app.Context) {
		if el := app.Window().GetElementByID("conflict"); el.Truthy() {
			el.Call("scrollIntoView", map[string]any{"block": "start"})
			el.Call("focus", map[string]any{"preventScroll": true})
		}
	})
}

// effect is what a diff does to each key: its new value, or gone.
type effect struct {
	value string
	gone  bool
}

func effects(d diff) map[string]effect {
	m := map[string]effect{}
	for _, a := range d.added {
		m[a.Key] = effect{value: a.Value}
	}
	for _, a := range d.changed {
		m[a.Key] = effect{value: a.Value}
	}
	for _, k := range d.removed {
		m[k] = effect{gone: true}
	}
	return m
}

// collisions lists the keys both diffs change, to different ends.
func collisions(mine, theirs diff) []collision {
	t, m := effects(theirs), effects(mine)
	var out []collision
	for _, k := range sortedKeys(m) {
		th, both := t[k]
		if !both || th == m[k] {
			continue
		}
		out = append(out, collision{key: k, theirs: th.value, theirsGone: th.gone, mine: m[k].value, mineGone: m[k].gone, keepMine: true})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// keepBoth puts the moderator's edits on top of the current attributes,
// except where they chose the other person's, and reports whether anything
// is left to save.
func (p *attributesPage) keepBoth() bool {
	c := p.conflict
	mine := effects(p.diff())
	for _, col := range c.collisions {
		if !col.keepMine {
			delete(mine, col.key)
		}
	}
	var rows []row
	seen := map[string]bool{}
	for _, a := range c.current.Attributes {
		seen[a.Key] = true
		v := a.Value
		if m, ok := mine[a.Key]; ok {
			if m.gone {
				continue
			}
			v = m.value
		}
		p.nextRow++
		rows = append(rows, row{id: p.nextRow, key: a.Key, value: v})
	}
	// Keys the moderator added, in the order of the editor's rows.
	for _, r := range p.rows {
		if m, ok := mine[r.key]; ok && !m.gone && !seen[r.key] {
			p.nextRow++
			rows = append(rows, row{id: p.nextRow, key: r.key, value: m.value})
			seen[r.key] = true
		}
	}
	p.loaded, p.version, p.rows, p.conflict = c.current.Attributes, c.current.Version, rows, nil
	p.edited()
	return !p.diff().empty()
}

var conflictView = &view{src: `<section id="conflict" class="alert alert-warn conflict" tabindex="-1" role="alert" aria-labelledby="conflict-title">
  <h2 id="conflict-title">{@Attributes.Conflict}</h2>{0}
  <div class="actions">{1}<button class="button button-quiet" type="button" on:click="discard">{@Attributes.Reload}</button></div></section>`}
var conflictBody = &view{src: `<div><h3>{@ConflictTheirs}</h3>{0}{1}</div>`}
var plainNote = &view{src: `<p>{0}</p>`}
var collisionsView = &view{src: `<div><p>{@ConflictCollisions}</p>{0}</div>`}
var keepBothButton = &view{src: `<button class="button" type="button" on:click="keep-both">{@ConflictKeepBoth}</button>`}
var collisionView = &view{src: `<fieldset class="collision"><legend><code>{0}</code></legend>
  <div class="check"><input id="collision-{1}-mine" type="radio" name="collision-{1}" checked={2} data-arg="{1}" on:change="keep-mine"><label for="collision-{1}-mine">{@ConflictKeepMine 3}</label></div>
  <div class="check"><input id="collision-{1}-theirs" type="radio" name="collision-{1}" checked={4} data-arg="{1}" on:change="keep-theirs"><label for="collision-{1}-theirs">{@ConflictKeepTheirs 5}</label></div>
</fieldset>`}

func (p *attributesPage) conflictView() app.UI {
	c := p.conflict
	if c == nil {
		return nil
	}
	var body, keep app.UI
	switch c.state {
	case stateLoading:
		body = loadingView.ui(p)
	case stateFailed:
		body = errorView(p, c.err)
	default:
		var cols app.UI
		if len(c.collisions) == 0 {
			cols = plainNote.ui(p, message("ConflictNoCollision"))
		} else {
			items := make([]app.UI, len(c.collisions))
			for i, col := range c.collisions {
				items[i] = collisionView.ui(p, col.key, i, col.keepMine, say(col.mine, col.mineGone), !col.keepMine, say(col.theirs, col.theirsGone))
			}
			cols = collisionsView.ui(p, items)
		}
		body = conflictBody.ui(p, c.theirs.view(p), cols)
		keep = keepBothButton.ui(p)
	}
	return conflictView.ui(p, body, keep)
}

// say is a value as the conflict shows it.
func say(v string, gone bool) string {
	if gone {
		return message("ConflictRemoved")
	}
	return fmt.Sprintf("%q", v)
}
