package main

import (
	"slices"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// The attribute editor and the registry of attribute keys (docs/keys.md):
// a described key's row says what the key is, in the page's language, and
// edits its value with the control its type fits; the value is checked
// with api.CheckValue, the server's own check, before Save. Keys the
// registry does not know are edited as text, as always.

// keysPath is the registry's API.
const keysPath = "/api/v1/attribute-keys"

// setSpecs keeps the registry's keys for the rows.
func (p *attributesPage) setSpecs(entries []api.KeyEntry) {
	specs := make([]api.KeySpec, len(entries))
	for i, e := range entries {
		specs[i] = e.KeySpec
	}
	p.specs = api.Described(specs)
}

// spec is the description of key, nil when the registry does not know it.
func (p *attributesPage) spec(key string) *api.KeySpec { return p.specs[key] }

// checkValue is api.CheckValue's sentence for a row whose value the
// moderator changed (a value left as it was is not sent, so the server
// does not check it either), "" when it passes or the key is undescribed.
// The browser has no JSON Schema library: the server checks schemas.
func (p *attributesPage) checkValue(r row) string {
	k := p.spec(r.key)
	if k == nil {
		return ""
	}
	for _, a := range p.loaded {
		if a.Key == r.key && a.Value == r.value {
			return ""
		}
	}
	if fe := api.CheckValue(k, "value", r.value, nil); fe != nil {
		return sayPhrase(fe.Say)
	}
	return ""
}

// missingRequired are the described keys required in the group's type
// that no row has, by key; removed tells those the group had when loaded.
func (p *attributesPage) missingRequired() (missing []*api.KeySpec, removed []bool) {
	if p.group == nil {
		return nil, nil
	}
	has := map[string]bool{}
	for _, r := range p.rows {
		has[r.key] = true
	}
	had := map[string]bool{}
	for _, a := range p.loaded {
		had[a.Key] = true
	}
	keys := make([]string, 0, len(p.specs))
	for k := range p.specs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s := p.specs[k]
		if !has[k] && s.RequiredInType(p.group.Type) {
			missing, removed = append(missing, s), append(removed, had[k])
		}
	}
	return missing, removed
}

// requiredRemoved is the server's refusal of removing a required key the
// group had, "" when the rows keep every one.
func (p *attributesPage) requiredRemoved() string {
	missing, removed := p.missingRequired()
	for i, s := range missing {
		if removed[i] {
			return sayPhrase(s.CheckRemove("delete", p.group.Type).Say)
		}
	}
	return ""
}

var requiredNote = &view{src: `<div class="alert alert-warn" role="status"><p>{@Attributes.RequiredMissing 0}</p><ul class="required-keys">{1}</ul></div>`}
var requiredItem = &view{src: `<li>{0} <code>{1}</code> {2}</li>`}
var addRequiredButton = &view{src: `<button class="button button-quiet" type="button" aria-label="{@Attributes.AddKey 0}" data-arg="{1}" on:click="add-required">{@Attributes.Add}</button>`}

// requiredView flags the keys required in the group's type that it does
// not have, with a button that adds a row for one (with its default).
func (p *attributesPage) requiredView(edit bool) app.UI {
	missing, _ := p.missingRequired()
	if len(missing) == 0 {
		return nil
	}
	items := make([]app.UI, len(missing))
	for i, s := range missing {
		label := s.Labels.In(pageLang())
		items[i] = requiredItem.ui(p, label, s.Key, when(edit, addRequiredButton.ui(p, label, argOf(s.Key))))
	}
	return requiredNote.ui(p, typeName(p.group.Type), items)
}

var aboutView = &view{src: `<div class="attr-about"><p class="attr-label"><strong>{0}</strong> <code>{1}</code>{2}</p>{3}{4}</div>`}
var aboutHint = &view{src: `<p class="hint">{0}</p>`}
var notDescribed = &view{src: `<p class="attr-about"><span class="badge">{@Attributes.NotDescribed}</span></p>`}
var requiredBadge = &view{src: ` <span class="badge">{@Attributes.Required 0}</span>`}
var deprecatedNote = &view{src: `<p class="alert alert-warn">{0}</p>`}

// keyLabel is a described key's label in the page's language; "" for a key
// the registry does not describe.
func (p *attributesPage) keyLabel(key string) string {
	if k := p.spec(key); k != nil {
		return k.Labels.In(pageLang())
	}
	return ""
}

// shownValue is a value as people read it: yes or no for a switch, a
// choice's label, a date and time in the reader's zone; else as it is.
func (p *attributesPage) shownValue(key, v string) string {
	k := p.spec(key)
	switch {
	case k == nil:
		return v
	case k.Type == api.KeyTypeBoolean && (v == "true" || v == "false"):
		return message(pick(v == "true", "Keys.Yes", "Keys.No"))
	case k.Type == api.KeyTypeChoice:
		for _, c := range k.Choices {
			if c.Value == v {
				return c.Labels.In(pageLang())
			}
		}
	case k.Type == api.KeyTypeDateTime:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return localTime(t)
		}
	}
	return v
}

// aboutKey says what a row's key is: its label, the raw key and its
// description; or that the registry does not describe it (said only once
// the registry describes some key: until then, every key would be).
func (p *attributesPage) aboutKey(key string) app.UI {
	if len(p.specs) == 0 || key == "" {
		return nil
	}
	k := p.spec(key)
	if k == nil {
		return notDescribed.ui(p)
	}
	lang := pageLang()
	var required, desc, dep app.UI
	if p.group != nil && k.RequiredInType(p.group.Type) {
		required = requiredBadge.ui(p, typeName(p.group.Type))
	}
	if d := k.Descriptions.In(lang); d != "" {
		desc = aboutHint.ui(p, d)
	}
	if d := k.Deprecated; d != nil {
		say := message("Attributes.Deprecated")
		if d.ReplacedBy != "" {
			say = tr("Attributes.DeprecatedBy", d.ReplacedBy)
			if r := p.spec(d.ReplacedBy); r != nil {
				say = tr("Attributes.DeprecatedBy", r.Labels.In(lang)+" ("+d.ReplacedBy+")")
			}
		}
		if d.Note != "" {
			say += " " + d.Note
		}
		dep = deprecatedNote.ui(p, say)
	}
	return aboutView.ui(p, k.Labels.In(lang), key, required, desc, dep)
}

var valueLabel = &view{src: `<label for="{0}">{1}</label>`}
var textareaControl = &view{src: `<textarea id="{0}" rows="{1}" value="{2}" readonly={3} spellcheck={4} aria-invalid={5} aria-describedby="{0}-help" data-arg="{6}" on:input="value"></textarea>`}
var inputControl = &view{src: `<input id="{id}" type="{type}" value="{value}" readonly={readOnly} min={min} max={max} step={step} inputmode={mode} spellcheck="false" autocomplete="off" aria-invalid={bad} aria-describedby="{id}-help" data-arg="{row}" on:input="{on}">`}
var switchControl = &view{src: `<div class="check"><input id="{0}" type="checkbox" role="switch" checked={1} disabled={2} aria-describedby="{0}-help" data-arg="{3}" on:change="value-bool"><label for="{0}">{4}</label></div>`}
var selectControl = &view{src: `<select id="{0}" disabled={1} aria-invalid={2} aria-describedby="{0}-help" data-arg="{3}" on:change="value">{4}</select>`}

// valueControl is row i's value field, with its label: a textarea for
// text, JSON and undescribed keys; otherwise the control the key's type
// fits.
func (p *attributesPage) valueControl(i int, id string, bad, edit bool) app.UI {
	r := p.rows[i]
	k := p.spec(r.key)
	label := tr("Attributes.Value", i+1)
	if k == nil {
		return one(append(valueLabel.uis(p, id, label), textareaControl.uis(p, id, 2, r.value, !edit, nil, bad, argOf(i))...))
	}
	lang := pageLang()
	label = tr("Attributes.ValueOf", k.Labels.In(lang))
	input := func(typ, value string, min, max, step, mode any) app.UI {
		timeInput := typ == "datetime-local"
		return one(append(valueLabel.uis(p, id, label), inputControl.withs(p, "id", id, "type", typ, "value", value, "readOnly", !edit,
			"min", min, "max", max, "step", step, "mode", mode, "bad", bad, "row", argOf(i), "on", pick(timeInput, "value-time", "value"))...))
	}
	switch k.Type {
	case api.KeyTypeBoolean:
		return switchControl.ui(p, id, r.value == "true", !edit, argOf(i), k.Labels.In(lang))
	case api.KeyTypeNumber:
		var min, max any
		if k.Min != "" {
			min = k.Min
		}
		if k.Max != "" {
			max = k.Max
		}
		return input("number", r.value, min, max, pick(k.Integer, "1", "any"), pick(k.Integer, "numeric", "decimal"))
	case api.KeyTypeChoice:
		var opts []app.UI
		found := false
		for _, c := range k.Choices {
			found = found || c.Value == r.value
			opts = append(opts, optionView.ui(p, c.Value, c.Value == r.value, c.Labels.In(lang)))
		}
		if !found {
			text := message("Attributes.Choose")
			if r.value != "" {
				text = tr("Attributes.NotAChoice", r.value)
			}
			opts = append([]app.UI{optionView.ui(p, r.value, true, text)}, opts...)
		}
		return one(append(valueLabel.uis(p, id, label), selectControl.ui(p, id, !edit, bad, argOf(i), opts)))
	case api.KeyTypeDateTime:
		return input("datetime-local", toLocalInput(r.value), nil, nil, "1", nil)
	case api.KeyTypeURL:
		return input("url", r.value, nil, nil, nil, "url")
	case api.KeyTypeJSON:
		return one(append(valueLabel.uis(p, id, label), textareaControl.uis(p, id, 4, r.value, !edit, "false", bad, argOf(i))...))
	}
	return one(append(valueLabel.uis(p, id, label), textareaControl.uis(p, id, 2, r.value, !edit, nil, bad, argOf(i))...))
}

// localInput is how an input of type datetime-local writes a time.
const localInput = "2006-01-02T15:04:05"

// toLocalInput is an RFC 3339 value in the moderator's time zone, as a
// datetime-local input shows it; "" when the value is not a time.
func toLocalInput(v string) string {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return ""
	}
	return t.In(time.Local).Format(localInput)
}

// fromLocalInput is what a datetime-local input gives, a time in the
// moderator's zone, as RFC 3339 with the zone's offset; "" when empty.
func fromLocalInput(s string) string {
	if s == "" {
		return ""
	}
	for _, layout := range []string{localInput, "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return strings.TrimSpace(s)
}
