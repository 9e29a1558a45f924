package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// convGroupsFor is the page of user u1, who may be changed, holding two
// groups: "work" with two conversations and "empty".
func convGroupsFor(f *fakeAPI) *convGroupsPage {
	p := &convGroupsPage{}
	f.userPageOf(&p.userPage, pathConvGroups, "ConvGroups.Title")
	p.pick, p.selected = ticks{}, ticks{}
	p.typedType, p.typedID = map[string]string{}, map[string]string{}
	p.markName = api.MarkNames[0]
	p.cg = api.ConvGroups{UserState: api.UserState{UserID: "u1", Version: "v1"}, MaxGroups: 20, MaxCounted: 1000, Counted: 2,
		Groups: []api.ConvGroup{
			{Name: "work", Conversations: []api.Conversation{{Type: "user", ID: "bob"}, {Type: "group", ID: "@g1"}}},
			{Name: "empty"},
		},
		Conversations: []api.MarkedConversation{
			{Conversation: api.Conversation{Type: "user", ID: "bob"}, Groups: []string{"work"}},
			{Conversation: api.Conversation{Type: "group", ID: "@g1"}, Groups: []string{"work"}},
		}}
	return p
}

func TestConvGroupsRemoveConversation(t *testing.T) {
	f := newFakeAPI(t)
	p := convGroupsFor(f)
	answerChange(f, p.cg, func(after *api.ConvGroups) {
		after.Groups = []api.ConvGroup{{Name: "work", Conversations: after.Groups[0].Conversations[:1]}, {Name: "empty"}}
	})

	r := sendChange(t, f, p, &p.last, "remove-conv", argOf(0, 1))
	if r.method != "PATCH" || r.path != "/api/v1/users/u1/conversation-groups/work" || r.header["If-Match"] != `"v1"` {
		t.Errorf("sent %s %s If-Match %s", r.method, r.path, r.header["If-Match"])
	}
	if r.body != `{"add":null,"remove":[{"type":"group","id":"@g1"}]}` {
		t.Errorf("body %s", r.body)
	}
	if p.last.busy || !p.last.done || p.cg.Version != "v2" || len(p.cg.Groups[0].Conversations) != 1 {
		t.Errorf("after the answer: busy %v done %v version %s", p.last.busy, p.last.done, p.cg.Version)
	}
	shows(t, p.statusView(), `id="cg-status"`, "Done.")
}

func TestConvGroupsRefusedRowsAreShown(t *testing.T) {
	f := newFakeAPI(t)
	p := convGroupsFor(f)
	after := p.cg
	after.Results = []api.ItemResult{
		{Type: "user", ID: "carol", OK: false, Message: "not a conversation of this user"},
		{Type: "user", ID: "bob", OK: true},
	}
	f.then(answer(200, after))
	typed(f, p, "typed-id", argOf("group-1", 1), "carol")
	act(f, p, "typed-add", argOf("group-1", 1))
	f.run()
	if r := f.request(0); r.path != "/api/v1/users/u1/conversation-groups/empty" || r.body != `{"add":[{"type":"user","id":"carol"}],"remove":null}` {
		t.Errorf("sent %s %s", r.path, r.body)
	}
	shows(t, p.statusView(), "1 of 2 conversations could not be changed", "User carol: not a conversation of this user")
	hides(t, p.statusView(), "Done.")
	if p.typedID["group-1"] != "" {
		t.Errorf("the typed ID %q is kept after the change", p.typedID["group-1"])
	}
}

func TestConvGroupsChangedMeanwhile(t *testing.T) {
	f := newFakeAPI(t)
	p := convGroupsFor(f)
	p.deleting = "work"
	f.then(answer(412, &api.Error{Code: "precondition_failed", Message: "changed"}))
	act(f, p, "delete-confirm", "")
	f.run()
	f.sentTo(0, "DELETE", "/api/v1/users/u1/conversation-groups/work")
	if !p.last.conflict || p.last.done || p.deleting != "" || p.cg.Version != "v1" {
		t.Errorf("conflict %v done %v deleting %q version %s", p.last.conflict, p.last.done, p.deleting, p.cg.Version)
	}
	shows(t, p.statusView(), "Someone changed this user&#39;s conversation groups", `Load them again</button>`)

	// Load them again starts the page again from its URL (on the host, where
	// go-app prerenders, without reading).
	u, _ := url.Parse(userURL(pathConvGroups, "u1"))
	f.ctx.Page().ReplaceURL(u)
	act(f, p, "reload", "")
	if p.last.conflict || p.userID != "u1" {
		t.Errorf("after reload: conflict %v user %q", p.last.conflict, p.userID)
	}
}

func TestConvGroupsFailureIsShownInTheStatus(t *testing.T) {
	f := newFakeAPI(t)
	p := convGroupsFor(f)
	f.then(answer(502, &api.Error{Code: api.CodeUpstreamUnavailable, Message: "Tencent Cloud Chat did not answer.", RequestID: "req-7"}))
	typed(f, p, "rename-to", "", "office")
	p.renaming = "work"
	act(f, p, "rename-save", "")
	f.run()
	if r := f.request(0); r.body != `{"name":"office","add":null,"remove":null}` {
		t.Errorf("body %s", r.body)
	}
	if p.last.err == nil || p.renaming != "work" {
		t.Errorf("err %v, renaming %q", p.last.err, p.renaming)
	}
	shows(t, p.statusView(), "Tencent Cloud Chat did not answer.", "req-7")
}

func TestConvGroupsCreate(t *testing.T) {
	f := newFakeAPI(t)
	p := convGroupsFor(f)
	p.cg.MaxGroups = 2
	shows(t, p.createView(), "the most Tencent Cloud Chat allows")
	act(f, p, "create", "")
	f.run()
	if f.calls() != 0 {
		t.Fatal("a create with the groups full was sent")
	}
	p.cg.MaxGroups = 20
	typed(f, p, "new-name", "", "friends")
	tick(f, p, "pick", api.Conversation{Type: "user", ID: "bob"}.Key(), true)
	act(f, p, "create", "")
	f.run()
	if r := f.request(0); r.method != "POST" || r.body != `{"name":"friends","conversations":[{"type":"user","id":"bob"}]}` {
		t.Errorf("sent %s %s", r.method, r.body)
	}
	if p.newName != "" || len(p.pick) != 0 {
		t.Errorf("the form is kept after the create: %q %v", p.newName, p.pick)
	}
}

// A name the server's check refuses for what it holds, not its length,
// says so: not "It is 5 bytes; the limit is 64".
func TestNameProblemSaysWhy(t *testing.T) {
	if got := nameProblem("a\u202eb"); !strings.Contains(got, "U+202E") || strings.Contains(got, "bytes; the limit") {
		t.Errorf("conversation group: %q", got)
	}
	if got := nameProblem(strings.Repeat("名", 30)); !strings.Contains(got, "90 bytes") {
		t.Errorf("too long: %q", got)
	}
	p := &friendListsPage{}
	if got := p.nameProblem(" Work"); got == "" || strings.Contains(got, "bytes; the limit") {
		t.Errorf("friend list: %q", got)
	}
}
