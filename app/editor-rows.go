package main

// The editor's rows: what was changed, each row's problems against
// Tencent's limits, and the views of a row and of the byte counters.

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// diff compares the rows with what was loaded.
type diff struct {
	added, changed []api.Attr
	old            map[string]string
	removed        []string
}

func (d diff) empty() bool { return len(d.added)+len(d.changed)+len(d.removed) == 0 }

func (p *editorPage) diff() diff {
	now := make([]api.Attr, len(p.rows))
	for i, r := range p.rows {
		now[i] = api.Attr{Key: r.key, Value: r.value}
	}
	return diffAttrs(p.loaded, now)
}

// diffAttrs compares two attribute sets: what was added, changed and
// removed going from "from" to "to".
func diffAttrs(from, to []api.Attr) diff {
	d := diff{old: map[string]string{}}
	for _, a := range from {
		d.old[a.Key] = a.Value
	}
	now := map[string]bool{}
	for _, a := range to {
		now[a.Key] = true
		old, had := d.old[a.Key]
		switch {
		case !had:
			d.added = append(d.added, a)
		case old != a.Value:
			d.changed = append(d.changed, a)
		}
	}
	for _, a := range from {
		if !now[a.Key] {
			d.removed = append(d.removed, a.Key)
		}
	}
	return d
}

// view shows a diff as the preview does: added, changed (old → new), removed.
func (d diff) view() app.UI {
	return app.Div().Class("diff").Body(
		changeList(msg.PreviewAdded, "added", d.added, nil),
		changeList(msg.PreviewChanged, "changed", d.changed, d.old),
		app.If(len(d.removed) > 0, func() app.UI {
			return app.Section().Class("change change-removed").Body(
				app.H3().Text(msg.PreviewRemoved),
				app.Ul().Body(app.Range(d.removed).Slice(func(i int) app.UI { return app.Li().Body(app.Code().Text(d.removed[i])) })),
			)
		}),
	)
}

// rowProblems checks each row: its key and value on their own, and keys
// used twice. The result is indexed like p.rows.
func (p *editorPage) rowProblems() (keyErr, valueErr []string) {
	keyErr, valueErr = make([]string, len(p.rows)), make([]string, len(p.rows))
	count := map[string]int{}
	for _, r := range p.rows {
		count[r.key]++
	}
	for i, r := range p.rows {
		switch {
		case r.key == "":
			keyErr[i] = msg.EditorKeyEmpty
		case len(r.key) > api.MaxAttrKeyBytes:
			keyErr[i] = fmt.Sprintf(msg.EditorKeyTooLong, len(r.key), api.MaxAttrKeyBytes)
		case count[r.key] > 1:
			keyErr[i] = msg.EditorKeyDuplicate
		}
		if len(r.value) > api.MaxAttrValueBytes {
			valueErr[i] = fmt.Sprintf(msg.EditorValueTooLong, len(r.value), api.MaxAttrValueBytes)
		}
	}
	return keyErr, valueErr
}

func (p *editorPage) totals() (keys, bytes int) {
	for _, r := range p.rows {
		bytes += len(r.value)
	}
	return len(p.rows), bytes
}

// blocker says why the rows cannot be saved as they are, or "".
func (p *editorPage) blocker(d diff) string {
	keyErr, valueErr := p.rowProblems()
	for i := range p.rows {
		if keyErr[i] != "" {
			return fmt.Sprintf(msg.EditorFixRow, i+1, keyErr[i])
		}
		if valueErr[i] != "" {
			return fmt.Sprintf(msg.EditorFixRow, i+1, valueErr[i])
		}
	}
	keys, bytes := p.totals()
	if keys > api.MaxAttrKeys {
		return fmt.Sprintf(msg.EditorFixFirst, fmt.Sprintf(msg.EditorTooManyKeys, keys, api.MaxAttrKeys))
	}
	if bytes > api.MaxAttrTotalBytes {
		return fmt.Sprintf(msg.EditorFixFirst, fmt.Sprintf(msg.EditorTooManyBytes, bytes, api.MaxAttrTotalBytes))
	}
	if d.empty() {
		return msg.EditorNoChanges
	}
	return ""
}

func (p *editorPage) edited() {
	p.saved, p.saveErr = false, nil
	setUnsaved(!p.diff().empty())
}

func (p *editorPage) addRow(ctx app.Context, e app.Event) {
	p.nextRow++
	p.rows = append(p.rows, row{id: p.nextRow})
	p.edited()
	id := fmt.Sprintf("key-%d", p.nextRow)
	ctx.Defer(func(app.Context) { focus(id) })
}

func (p *editorPage) removeRow(i int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		p.rows = append(p.rows[:i:i], p.rows[i+1:]...)
		p.edited()
	}
}

func (p *editorPage) undo(ctx app.Context, e app.Event) {
	p.setLoaded(api.Attributes{Attributes: p.loaded, Version: p.version})
}

// meter shows a count against its limit.
func meter(label string, used, limit int) app.UI {
	class := "meter"
	if used > limit {
		class += " meter-over"
	}
	return app.P().Class(class).Text(label)
}

func (p *editorPage) rowView(i int, keyErr, valueErr string, edit bool) app.UI {
	r := p.rows[i]
	n := i + 1
	keyID, valueID := fmt.Sprintf("key-%d", r.id), fmt.Sprintf("value-%d", r.id)
	keyHelp, valueHelp := keyID+"-help", valueID+"-help"
	return app.Li().Class("attr-row").Body(
		app.Div().Class("field").Body(
			app.Label().For(keyID).Text(fmt.Sprintf(msg.EditorKey, n)),
			app.Input().ID(keyID).Type("text").Value(r.key).ReadOnly(!edit).Attr("spellcheck", "false").
				Attr("autocomplete", "off").Aria("invalid", keyErr != "").Aria("describedby", keyHelp).
				OnInput(func(ctx app.Context, e app.Event) {
					p.rows[i].key = ctx.JSSrc().Get("value").String()
					p.edited()
				}),
			byteCounter(keyHelp, len(r.key), api.MaxAttrKeyBytes, keyErr),
		),
		app.Div().Class("field field-grow").Body(
			app.Label().For(valueID).Text(fmt.Sprintf(msg.EditorValue, n)),
			app.Textarea().ID(valueID).Rows(2).Attr("value", r.value).ReadOnly(!edit).
				Aria("invalid", valueErr != "").Aria("describedby", valueHelp).
				OnInput(func(ctx app.Context, e app.Event) {
					p.rows[i].value = ctx.JSSrc().Get("value").String()
					p.edited()
				}),
			byteCounter(valueHelp, len(r.value), api.MaxAttrValueBytes, valueErr),
		),
		app.If(edit, func() app.UI {
			return app.Button().Class("button button-danger-quiet").Type("button").
				Aria("label", fmt.Sprintf(msg.EditorRemoveRow, n)).Title(fmt.Sprintf(msg.EditorRemoveRow, n)).
				Text("✕").OnClick(p.removeRow(i))
		}),
	)
}

// byteCounter shows a field's size against its limit, and its problem.
func byteCounter(id string, used, limit int, problem string) app.UI {
	class := "counter"
	if problem != "" || used > limit {
		class += " counter-over"
	}
	return app.P().ID(id).Class(class).Body(
		app.Span().Text(fmt.Sprintf(msg.EditorBytes, used, limit)),
		app.If(problem != "", func() app.UI { return app.Span().Class("field-error").Text(" " + problem) }),
	)
}
