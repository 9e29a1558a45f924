package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/imdesk/imdesk/server/api"
)

// testKeys is a registry: slowmode (a whole number 0–600, required in
// Public groups), region (a choice), theme (deprecated for theme_v2),
// muted (a boolean), opens (a time).
func testKeys() []api.KeyEntry {
	def := "0"
	return []api.KeyEntry{
		{KeySpec: api.KeySpec{Key: "slowmode", Labels: api.Localized{"en": "Slow mode", "ja": "スローモード"},
			Descriptions: api.Localized{"en": "Seconds between messages."}, Type: api.KeyTypeNumber, Integer: true, Min: "0", Max: "600",
			RequiredIn: []string{"Public"}, Default: &def}},
		{KeySpec: api.KeySpec{Key: "region", Labels: api.Localized{"en": "Region"}, Type: api.KeyTypeChoice,
			Choices: []api.KeyChoice{{Value: "jp", Labels: api.Localized{"en": "Japan", "ja": "日本"}}, {Value: "kr", Labels: api.Localized{"en": "Korea"}}}}},
		{KeySpec: api.KeySpec{Key: "theme", Labels: api.Localized{"en": "Theme"}, Type: api.KeyTypeJSON,
			Deprecated: &api.KeyDeprecation{ReplacedBy: "theme_v2", Note: "Clients from 4.2 read theme_v2."}}},
		{KeySpec: api.KeySpec{Key: "muted", Labels: api.Localized{"en": "Muted"}, Type: api.KeyTypeBoolean}},
		{KeySpec: api.KeySpec{Key: "opens", Labels: api.Localized{"en": "Opens"}, Type: api.KeyTypeDateTime}},
	}
}

func TestAttributesLoadTheRegistryOnce(t *testing.T) {
	f := newFakeAPI(t)
	p := &attributesPage{}
	p.begin(f.ctx)
	p.groupID = "@g1"
	f.then(answer(200, api.Group{ID: "@g1", Name: "Trailhead", Type: "Public", CanEdit: true}),
		answer(200, api.Attributes{GroupID: "@g1", Version: "v1", Attributes: []api.Attr{{Key: "color", Value: "red"}}}),
		answer(200, api.KeyList{Keys: testKeys()}))
	p.reload()
	f.run()
	if r := f.request(2); r.path != "/api/v1/attribute-keys" {
		t.Errorf("third call %s", r.path)
	}
	if p.spec("slowmode") == nil {
		t.Fatal("the registry is not kept")
	}
	p.reload()
	f.run()
	if n := f.calls(); n != 5 {
		t.Errorf("%d calls; the registry is read again", n)
	}
}

func TestAttributesDescribedKeys(t *testing.T) {
	f := newFakeAPI(t)
	p := attributesFor(f)
	p.setSpecs(nil)
	hides(t, p.body(), "Not described") // an empty registry marks nothing
	p.setLoaded(api.Attributes{GroupID: "@g1", Version: "v1", Attributes: []api.Attr{
		{Key: "color", Value: "red"}, {Key: "slowmode", Value: "10"}, {Key: "region", Value: "jp"}, {Key: "theme", Value: "{}"},
		{Key: "muted", Value: "false"}, {Key: "opens", Value: "2026-12-01T22:34:05+08:00"}}})
	p.setSpecs(testKeys())
	shows(t, p.body(), "Slow mode", "<code>slowmode</code>", "Seconds between messages.", "Required in",
		"Not described", `type="number"`, `min="0"`, `max="600"`, `step="1"`,
		"Deprecated: use theme_v2 instead. Clients from 4.2 read theme_v2.",
		`type="checkbox"`, `role="switch"`, `type="datetime-local"`)

	// The choice's option, selected (go-app writes an element's
	// attributes in no fixed order).
	if html := app.HTMLString(p.body()); !regexp.MustCompile(`<option (value="jp" selected|selected value="jp")>Japan</option>`).MatchString(html) {
		t.Errorf("region's choice is not shown selected: %s", html)
	}

	// A number out of range: the sentence under the field, Save says why.
	typed(f, p, "value", argOf(1), "900")
	want := "Slow mode must be a whole number from 0 to 600."
	if _, valueErr := p.rowProblems(); valueErr[1] != want {
		t.Errorf("problem %q", valueErr[1])
	}
	if b := p.blocker(p.diff()); !strings.Contains(b, want) {
		t.Errorf("blocker %q", b)
	}
	shows(t, p.body(), want)
	typed(f, p, "value", argOf(1), "60")
	if b := p.blocker(p.diff()); b != "" {
		t.Errorf("blocked: %s", b)
	}

	tick(f, p, "value-bool", argOf(4), true)
	if p.rows[4].value != "true" {
		t.Errorf("muted %q", p.rows[4].value)
	}
	typed(f, p, "value", argOf(2), "cn")
	if _, valueErr := p.rowProblems(); !strings.Contains(valueErr[2], `"jp", "kr"`) {
		t.Errorf("choice problem %q", valueErr[2])
	}
	shows(t, p.body(), "cn (not one of the choices)")
	typed(f, p, "value", argOf(2), "kr")

	// Removing a required key the group has is refused before Save.
	act(f, p, "remove-row", argOf(1))
	if b := p.blocker(p.diff()); !strings.Contains(b, "cannot be removed") {
		t.Errorf("blocker %q", b)
	}
	shows(t, p.body(), "Keys required in")
	act(f, p, "add-required", argOf("slowmode"))
	if r := p.rows[len(p.rows)-1]; r.key != "slowmode" || r.value != "0" {
		t.Errorf("added %+v", r)
	}
	hides(t, p.body(), "Keys required in")

	// A new row given a yes/no key holds what its switch shows: off.
	act(f, p, "add-row", "")
	typed(f, p, "key", argOf(len(p.rows)-1), "muted")
	if r := p.rows[len(p.rows)-1]; r.value != "false" {
		t.Errorf("a new switch holds %q", r.value)
	}
}

func TestAttributesLocalTimes(t *testing.T) {
	old := time.Local
	time.Local = time.FixedZone("JST", 9*3600)
	t.Cleanup(func() { time.Local = old })
	if got := toLocalInput("2026-12-01T22:34:05+08:00"); got != "2026-12-01T23:34:05" {
		t.Errorf("to local %q", got)
	}
	if got := fromLocalInput("2026-12-01T23:34"); got != "2026-12-01T23:34:00+09:00" {
		t.Errorf("from local %q", got)
	}
	if toLocalInput("soon") != "" || fromLocalInput("") != "" {
		t.Error("not a time")
	}
}

// The save preview says described keys and their values as people read
// them, with the raw key and value beside them; an undescribed key stays
// raw.
func TestAttributesPreviewSaysLabels(t *testing.T) {
	f := newFakeAPI(t)
	p := attributesFor(f)
	p.setLoaded(api.Attributes{GroupID: "@g1", Version: "v1", Attributes: []api.Attr{
		{Key: "region", Value: "jp"}, {Key: "muted", Value: "false"}, {Key: "color", Value: "red"}}})
	p.setSpecs(testKeys())
	typed(f, p, "value", argOf(0), "kr")
	typed(f, p, "value", argOf(1), "true")
	typed(f, p, "value", argOf(2), "blue")
	shows(t, p.diff().view(p), "Region", "<code>region</code>", "<del>Japan</del>", "<ins>Korea</ins>", "<code>kr</code>",
		"Muted", "<code>muted</code>", "<del>No</del>", "<ins>Yes</ins>", "<code>color</code>", "<del>red</del>", "<ins>blue</ins>")
	shows(t, p.diff().view(p), "<code>true</code>")
	hides(t, p.diff().view(p), "<code>blue</code>") // the raw value only where it reads otherwise
}
