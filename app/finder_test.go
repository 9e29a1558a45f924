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
