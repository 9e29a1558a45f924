package main

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// keysPath is the registry's API.
const keysPath = "/api/v1/attribute-keys"

// keyRegistry is the registry of attribute keys (docs/keys.md) as a page
// holds it: read once per page from keysPath, it says a described key by
// its label and a value as people read it, edits a value with the control
// the key's type fits and checks it with api.CheckValue, the server's own
// check. The attribute editor, the bulk form and the audit log hold one,
// so that the three say and check a key the same way.
//
// The zero value (and a nil *keyRegistry) knows no key: every key is then
// said and edited as text, as before the registry.
type keyRegistry struct {
	// specs are the described keys; nil until read, or when they could
	// not be read.
	specs map[string]*api.KeySpec
}

// setSpecs keeps the registry's keys; an empty registry is read too.
func (k *keyRegistry) setSpecs(entries []api.KeyEntry) {
	specs := make([]api.KeySpec, len(entries))
	for i, e := range entries {
		specs[i] = e.KeySpec
	}
	k.specs = api.Described(specs)
}

// keep keeps the registry an answer from keysPath holds; an answer that
// is an error leaves it unread.
func (k *keyRegistry) keep(r response) {
	var l api.KeyList
	if r.decode(&l) == nil {
		k.setSpecs(l.Keys)
	}
}

// read is whether the page has read the registry (it asks once).
func (k *keyRegistry) read() bool { return k.specs != nil }

// spec is the description of key, nil when the registry does not know it.
func (k *keyRegistry) spec(key string) *api.KeySpec {
	if k == nil {
		return nil
	}
	return k.specs[key]
}

// sorted are the described keys by label in the page's language.
func (k *keyRegistry) sorted() []*api.KeySpec {
	out := byLabel{lang: pageLang()}
	for _, s := range k.specs {
		out.specs = append(out.specs, s)
	}
	sort.Sort(&out) // not slices.SortFunc: app.wasm has sort.Sort already (see api.sortFriends)
	return out.specs
}

// byLabel orders keys by label, then by key.
type byLabel struct {
	specs []*api.KeySpec
	lang  string
}

func (b *byLabel) Len() int      { return len(b.specs) }
func (b *byLabel) Swap(i, j int) { b.specs[i], b.specs[j] = b.specs[j], b.specs[i] }
func (b *byLabel) Less(i, j int) bool {
	li, lj := b.specs[i].Labels.In(b.lang), b.specs[j].Labels.In(b.lang)
	return li < lj || li == lj && b.specs[i].Key < b.specs[j].Key
}

// indexed are the described keys the finder can find groups by the value
// of (api.IndexedKeys), by label.
func (k *keyRegistry) indexed() []*api.KeySpec {
	keys := api.IndexedKeys(k.specs)
	var out []*api.KeySpec
	for _, s := range k.sorted() {
		if slices.Contains(keys, s.Key) {
			out = append(out, s)
		}
	}
	return out
}

// values are the values of a key of a small set, as (value, label) pairs:
// no and yes for a switch, the choices for a list; nil for other keys.
func (k *keyRegistry) values(key string) [][2]string {
	s := k.spec(key)
	switch {
	case s == nil:
		return nil
	case s.Type == api.KeyTypeBoolean:
		return [][2]string{{"false", message("Keys.No")}, {"true", message("Keys.Yes")}}
	case s.Type == api.KeyTypeChoice:
		out := make([][2]string, len(s.Choices))
		for i, c := range s.Choices {
			out[i] = [2]string{c.Value, c.Labels.In(pageLang())}
		}
		return out
	}
	return nil
}

// keyLabel is a described key's label in the page's language; "" for a key
// the registry does not describe.
func (k *keyRegistry) keyLabel(key string) string {
	if s := k.spec(key); s != nil {
		return s.Labels.In(pageLang())
	}
	return ""
}

// shownValue is a value as people read it: yes or no for a switch, a
// choice's label, a date and time in the reader's zone; else as it is.
func (k *keyRegistry) shownValue(key, v string) string {
	s := k.spec(key)
	switch {
	case s == nil:
		return v
	case s.Type == api.KeyTypeBoolean && (v == "true" || v == "false"):
		return message(pick(v == "true", "Keys.Yes", "Keys.No"))
	case s.Type == api.KeyTypeChoice:
		for _, c := range s.Choices {
			if c.Value == v {
				return c.Labels.In(pageLang())
			}
		}
	case s.Type == api.KeyTypeDateTime:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return localTime(t)
		}
	}
	return v
}

// check is api.CheckValue's sentence for value, "" when it passes or the
// key is undescribed. The browser has no JSON Schema library: the server
// checks schemas.
func (k *keyRegistry) check(key, value string) string {
	s := k.spec(key)
	if s == nil {
		return ""
	}
	if fe := api.CheckValue(s, "value", value, nil); fe != nil {
		return sayPhrase(fe.Say)
	}
	return ""
}

var rawKey = &view{src: `<code>{0}</code>`}
var labelledKey = &view{src: `<span>{0} <code>{1}</code></span>`}
var rawValue = &view{src: ` <span class="hint">(<code>{0}</code>)</span>`}

// keyView says a key: its label beside the raw key when the registry
// gives one.
func (k *keyRegistry) keyView(a actor, key string) app.UI {
	if l := k.keyLabel(key); l != "" {
		return labelledKey.ui(a, l, key)
	}
	return rawKey.ui(a, key)
}

// valueView says a value as people read it, and the raw value beside it
// when that reads otherwise (a switch's "true", a choice's code).
func (k *keyRegistry) valueView(a actor, key, v string) (string, app.UI) {
	if s := k.shownValue(key, v); s != v {
		return s, rawValue.ui(a, v)
	}
	return v, nil
}

var aboutView = &view{src: `<div class="attr-about"><p class="attr-label"><strong>{0}</strong> <code>{1}</code>{2}</p>{3}{4}</div>`}
var aboutHint = &view{src: `<p class="hint">{0}</p>`}
var notDescribed = &view{src: `<p class="attr-about"><span class="badge">{@Attributes.NotDescribed}</span></p>`}
var requiredBadge = &view{src: ` <span class="badge">{@Attributes.Required 0}</span>`}
var deprecatedNote = &view{src: `<p class="alert alert-warn">{0}</p>`}

// about says what a key is: its label, the raw key and its description,
// whether it is required in groupType ("" when no one group is meant) and
// what replaces it when deprecated; or that the registry does not
// describe it (said only once the registry describes some key: until
// then, every key would be).
func (k *keyRegistry) about(a actor, key, groupType string) app.UI {
	if len(k.specs) == 0 || key == "" {
		return nil
	}
	s := k.spec(key)
	if s == nil {
		return notDescribed.ui(a)
	}
	lang := pageLang()
	var required, desc, dep app.UI
	if groupType != "" && s.RequiredInType(groupType) {
		required = requiredBadge.ui(a, typeName(groupType))
	}
	if d := s.Descriptions.In(lang); d != "" {
		desc = aboutHint.ui(a, d)
	}
	if d := s.Deprecated; d != nil {
		say := message("Attributes.Deprecated")
		if d.ReplacedBy != "" {
			say = tr("Attributes.DeprecatedBy", d.ReplacedBy)
			if r := k.spec(d.ReplacedBy); r != nil {
				say = tr("Attributes.DeprecatedBy", r.Labels.In(lang)+" ("+d.ReplacedBy+")")
			}
		}
		if d.Note != "" {
			say += " " + d.Note
		}
		dep = deprecatedNote.ui(a, say)
	}
	return aboutView.ui(a, s.Labels.In(lang), key, required, desc, dep)
}

// valueField is one value to edit: the element's id (its hint is
// id+"-help"), its place in the form (1-based, for the label of an
// undescribed key), the key and value, the data-arg its events carry, and
// whether it has a problem or may not be changed.
type valueField struct {
	id         string
	n          int
	key, value string
	arg        string
	bad        bool
	readOnly   bool
}

var valueLabel = &view{src: `<label for="{0}">{1}</label>`}
var textareaControl = &view{src: `<textarea id="{0}" rows="{1}" value="{2}" readonly={3} spellcheck={4} aria-invalid={5} aria-describedby="{0}-help" data-arg="{6}" on:input="value"></textarea>`}
var inputControl = &view{src: `<input id="{id}" type="{type}" value="{value}" readonly={readOnly} min={min} max={max} step={step} inputmode={mode} spellcheck="false" autocomplete="off" aria-invalid={bad} aria-describedby="{id}-help" data-arg="{row}" on:input="{on}">`}
var switchControl = &view{src: `<div class="check"><input id="{0}" type="checkbox" role="switch" checked={1} disabled={2} aria-describedby="{0}-help" data-arg="{3}" on:change="value-bool"><label for="{0}">{4}</label></div>`}
var selectControl = &view{src: `<select id="{0}" disabled={1} aria-invalid={2} aria-describedby="{0}-help" data-arg="{3}" on:change="value">{4}</select>`}

// control is a value's field, with its label: a textarea for text, JSON
// and undescribed keys; otherwise the control the key's type fits. Its
// events are "value" (the text), "value-bool" (the switch, checked) and
// "value-time" (a datetime-local input's text: read it with
// fromLocalInput).
func (k *keyRegistry) control(a actor, f valueField) app.UI {
	s := k.spec(f.key)
	id, edit := f.id, !f.readOnly
	if s == nil {
		return one(append(valueLabel.uis(a, id, tr("Attributes.Value", f.n)), textareaControl.uis(a, id, 2, f.value, f.readOnly, nil, f.bad, f.arg)...))
	}
	lang := pageLang()
	label := tr("Attributes.ValueOf", s.Labels.In(lang))
	input := func(typ, value string, min, max, step, mode any) app.UI {
		timeInput := typ == "datetime-local"
		return one(append(valueLabel.uis(a, id, label), inputControl.withs(a, "id", id, "type", typ, "value", value, "readOnly", f.readOnly,
			"min", min, "max", max, "step", step, "mode", mode, "bad", f.bad, "row", f.arg, "on", pick(timeInput, "value-time", "value"))...))
	}
	switch s.Type {
	case api.KeyTypeBoolean:
		return switchControl.ui(a, id, f.value == "true", !edit, f.arg, s.Labels.In(lang))
	case api.KeyTypeNumber:
		var min, max any
		if s.Min != "" {
			min = s.Min
		}
		if s.Max != "" {
			max = s.Max
		}
		return input("number", f.value, min, max, pick(s.Integer, "1", "any"), pick(s.Integer, "numeric", "decimal"))
	case api.KeyTypeChoice:
		var opts []app.UI
		found := false
		for _, c := range s.Choices {
			found = found || c.Value == f.value
			opts = append(opts, optionView.ui(a, c.Value, c.Value == f.value, c.Labels.In(lang)))
		}
		if !found {
			text := message("Attributes.Choose")
			if f.value != "" {
				text = tr("Attributes.NotAChoice", f.value)
			}
			opts = append([]app.UI{optionView.ui(a, f.value, true, text)}, opts...)
		}
		return one(append(valueLabel.uis(a, id, label), selectControl.ui(a, id, !edit, f.bad, f.arg, opts)))
	case api.KeyTypeDateTime:
		return input("datetime-local", toLocalInput(f.value), nil, nil, "1", nil)
	case api.KeyTypeURL:
		return input("url", f.value, nil, nil, nil, "url")
	case api.KeyTypeJSON:
		return one(append(valueLabel.uis(a, id, label), textareaControl.uis(a, id, 4, f.value, f.readOnly, "false", f.bad, f.arg)...))
	}
	return one(append(valueLabel.uis(a, id, label), textareaControl.uis(a, id, 2, f.value, f.readOnly, nil, f.bad, f.arg)...))
}

// newValue is the value a control's event ("value", "value-bool",
// "value-time") writes.
func (k *keyRegistry) newValue(ev event) string {
	switch ev.name {
	case "value-bool":
		return pick(ev.checked, "true", "false")
	case "value-time":
		return fromLocalInput(ev.value)
	}
	return ev.value
}

// emptyValue is the value a row given key holds while its value is
// empty: "false" for a switch, which shows off; else "".
func (k *keyRegistry) emptyValue(key string) string {
	if s := k.spec(key); s != nil && s.Type == api.KeyTypeBoolean {
		return "false"
	}
	return ""
}

// toLocalInput is an RFC 3339 value in the moderator's time zone, as a
// datetime-local input shows it; "" when the value is not a time.
func toLocalInput(v string) string {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return ""
	}
	return inZone(t).Format(localSecond)
}

// fromLocalInput is what a datetime-local input gives, a time in the
// moderator's zone, as RFC 3339 with the zone's offset at that time; ""
// when empty.
func fromLocalInput(s string) string {
	if s == "" {
		return ""
	}
	if t, ok := fromLocal(s); ok {
		return t.Format(time.RFC3339)
	}
	return strings.TrimSpace(s)
}
