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

// loadConflict reads the current attributes and works out both changes.
func (p *editorPage) loadConflict(ctx app.Context) {
	c := &conflict{state: stateLoading}
	p.conflict = c
	path := groupPath(p.groupID) + "/attributes"
	p.showConflict(ctx)
	ctx.Async(func() {
		r := callAPI("GET", path, nil, nil)
		ctx.Dispatch(func(ctx app.Context) {
			if needSignIn(ctx, r) {
				return
			}
			if e := r.decode(&c.current); e != nil {
				c.state, c.err = stateFailed, e
				return
			}
			c.theirs = diffAttrs(p.loaded, c.current.Attributes)
			c.collisions = collisions(p.diff(), c.theirs)
			c.state = stateReady
			p.showConflict(ctx)
		})
	})
}

// showConflict scrolls the warning into view and moves the focus to it, so
// a phone user sees it and a screen reader reads it.
func (p *editorPage) showConflict(ctx app.Context) {
	ctx.Defer(func(app.Context) {
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
// except where they chose the other person's, and opens the preview.
func (p *editorPage) keepBoth(ctx app.Context, e app.Event) {
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
	if p.diff().empty() {
		return
	}
	p.openDialog(dialogPreview, "preview-confirm")(ctx, e)
}

func (p *editorPage) conflictView() app.UI {
	c := p.conflict
	if c == nil {
		return nil
	}
	var body app.UI
	if v := stateView(c.state, c.err, func(ctx app.Context, e app.Event) { p.loadConflict(ctx) }); v != nil {
		body = v
	} else {
		body = app.Div().Body(
			app.H3().Text(msg.ConflictTheirs),
			c.theirs.view(),
			app.If(len(c.collisions) == 0, func() app.UI { return app.P().Text(msg.ConflictNoCollision) }),
			app.If(len(c.collisions) > 0, func() app.UI {
				return app.Div().Body(
					app.P().Text(msg.ConflictCollisions),
					app.Range(c.collisions).Slice(func(i int) app.UI { return p.collisionView(i) }),
				)
			}),
		)
	}
	return app.Section().ID("conflict").Class("alert alert-warn conflict").TabIndex(-1).Role("alert").
		Aria("labelledby", "conflict-title").Body(
		app.H2().ID("conflict-title").Text(msg.EditorConflict),
		body,
		app.Div().Class("actions").Body(
			app.If(c.state == stateReady, func() app.UI {
				return app.Button().Class("button").Type("button").Text(msg.ConflictKeepBoth).OnClick(p.keepBoth)
			}),
			app.Button().Class("button button-quiet").Type("button").Text(msg.EditorReload).
				OnClick(func(app.Context, app.Event) { p.load(p.page) }),
		),
	)
}

// collisionView asks which value of one key stays.
func (p *editorPage) collisionView(i int) app.UI {
	col := p.conflict.collisions[i]
	say := func(v string, gone bool) string {
		if gone {
			return msg.ConflictRemoved
		}
		return fmt.Sprintf("%q", v)
	}
	name := fmt.Sprintf("collision-%d", i)
	pick := func(mine bool) app.EventHandler {
		return func(ctx app.Context, e app.Event) { p.conflict.collisions[i].keepMine = mine }
	}
	return app.FieldSet().Class("collision").Body(
		app.Legend().Body(app.Code().Text(col.key)),
		app.Div().Class("check").Body(
			app.Input().ID(name+"-mine").Type("radio").Name(name).Checked(col.keepMine).OnChange(pick(true)),
			app.Label().For(name+"-mine").Text(fmt.Sprintf(msg.ConflictKeepMine, say(col.mine, col.mineGone))),
		),
		app.Div().Class("check").Body(
			app.Input().ID(name+"-theirs").Type("radio").Name(name).Checked(!col.keepMine).OnChange(pick(false)),
			app.Label().For(name+"-theirs").Text(fmt.Sprintf(msg.ConflictKeepTheirs, say(col.theirs, col.theirsGone))),
		),
	)
}
