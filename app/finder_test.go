package main

import (
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

func TestFinderPagesAndRefresh(t *testing.T) {
	f := newFakeAPI(t)
	p := &finderPage{query: "trail"}
	p.begin(f.ctx)
	first := api.GroupPage{Groups: []api.Group{{ID: "@g1", Name: "Trailhead", Type: "Public", MemberCount: 3, CanEdit: true}},
		NextCursor: "c2", Total: 2, Index: api.GroupIndexStatus{Indexed: 2, CanRefresh: true}}
	f.then(answer(200, first), answer(200, api.GroupPage{Groups: []api.Group{{ID: "@g2", Name: "Trail two", Type: "Private"}}, Total: 2}))
	p.search()
	f.run()
	if r := f.request(0); r.path != "/api/v1/groups?query=trail" {
		t.Errorf("sent %s", r.path)
	}
	shows(t, p.results(), "2 groups found", "Trailhead", `href="/group?id=%40g1"`, "Next page")
	act(f, p, "next", "")
	f.run()
	if r := f.request(1); r.path != "/api/v1/groups?cursor=c2&query=trail" {
		t.Errorf("next sent %s", r.path)
	}
	shows(t, p.results(), "Trail two", "Previous page")
	if len(p.cursors) != 1 {
		t.Errorf("cursors %v", p.cursors)
	}

	f.then(answer(202, api.GroupIndexStatus{Indexed: 2}))
	act(f, p, "refresh", "")
	if !p.refreshing {
		t.Error("not refreshing")
	}
	f.run()
	if r := f.request(2); r.method != "POST" || r.path != "/api/v1/groups/refresh" {
		t.Errorf("refresh sent %s %s", r.method, r.path)
	}
	if p.refreshing || !p.index.Reading || p.refreshNote == "" {
		t.Errorf("after refresh: refreshing %v reading %v note %q", p.refreshing, p.index.Reading, p.refreshNote)
	}
}

// The filter by a described key's value offers the keys the index keeps
// the values of (yes/no and lists, not text, numbers or times) by label,
// then the key's values by label, and sends both.
func TestFinderByValue(t *testing.T) {
	f := newFakeAPI(t)
	p := &finderPage{query: "trail"}
	p.begin(f.ctx)
	hides(t, p.keyFilter(), "finder-key") // no registry, no filter
	p.keys.setSpecs(testKeys())
	shows(t, p.keyFilter(), `<option value="region">Region</option>`, `<option value="muted">Muted</option>`, "Any attribute",
		"keys of text or numbers cannot be searched")
	hides(t, p.keyFilter(), `value="slowmode"`, `value="theme"`, `value="opens"`, "finder-value")

	typed(f, p, "key", "", "region")
	shows(t, p.keyFilter(), `<label for="finder-value">Value of Region</label>`, ">Japan</option>", ">Korea</option>")
	if q := p.filters().Encode(); q != "query=trail" {
		t.Errorf("a key without a value is no filter yet: %s", q)
	}
	p.value = "kr"
	f.then(answer(200, api.GroupPage{Groups: []api.Group{{ID: "@g1", Name: "Trailhead", Type: "Public"}}, Total: 1}))
	p.search()
	f.run()
	if r := f.request(0); r.path != "/api/v1/groups?key=region&query=trail&value=kr" {
		t.Errorf("sent %s", r.path)
	}
	typed(f, p, "key", "", "muted")
	if p.value != "" {
		t.Errorf("another key keeps the value %q", p.value)
	}
	shows(t, p.keyFilter(), ">No</option>", ">Yes</option>")
}
