package main

import (
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// The attribute editor and the registry of attribute keys (docs/keys.md):
// a described key's row says what the key is, in the page's language, and
// edits its value with the control its type fits (key-registry.go); the
// value is checked with api.CheckValue, the server's own check, before
// Save. Keys the registry does not know are edited as text, as always.

// checkValue is api.CheckValue's sentence for a row whose value the
// moderator changed (a value left as it was is not sent, so the server
// does not check it either), "" when it passes or the key is undescribed.
func (p *attributesPage) checkValue(r row) string {
	for _, a := range p.loaded {
		if a.Key == r.key && a.Value == r.value {
			return ""
		}
	}
	return p.check(r.key, r.value)
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

// aboutKey says what a row's key is, and whether the group's type
// requires it.
func (p *attributesPage) aboutKey(key string) app.UI {
	groupType := ""
	if p.group != nil {
		groupType = p.group.Type
	}
	return p.about(p, key, groupType)
}

// valueControl is row i's value field, with its label.
func (p *attributesPage) valueControl(i int, id string, bad, edit bool) app.UI {
	r := p.rows[i]
	return p.control(p, valueField{id: id, n: i + 1, key: r.key, value: r.value, arg: argOf(i), bad: bad, readOnly: !edit})
}
