package main

import (
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// friendListsFor is the page of user u1, who may be changed: lists "close"
// (bob) and "work" (empty), and carol in no list.
func friendListsFor(f *fakeAPI) *friendListsPage {
	p := &friendListsPage{}
	f.userPageOf(&p.userPage, pathFriendLists, "FriendLists.Title")
	p.createPick, p.chosen, p.delPick = ticks{}, ticks{}, ticks{}
	p.fl = api.FriendLists{UserState: api.UserState{UserID: "u1", Version: "v1"}, MaxLists: 32, FriendCount: 2,
		Lists:    []api.FriendList{{Name: "close", Friends: []api.Friend{{ID: "bob", Name: "Bob"}}}, {Name: "work"}},
		Unlisted: []api.Friend{{ID: "carol"}}}
	p.moveTo = "close"
	return p
}

func TestFriendListsRemoveMember(t *testing.T) {
	f := newFakeAPI(t)
	p := friendListsFor(f)
	answerChange(f, p.fl, func(after *api.FriendLists) {
		after.Lists = []api.FriendList{{Name: "close"}, {Name: "work"}}
		after.Results = []api.ItemResult{{ID: "bob", OK: false, Message: "Tencent refused"}}
	})
	shows(t, p.listsView(true), `aria-label="Remove Bob · bob from close"`)

	r := sendChange(t, f, p, &p.last, "remove-member", argOf("close", "bob"))
	if r.method != "PATCH" || r.path != "/api/v1/users/u1/friend-lists/close" || r.body != `{"remove":["bob"]}` || r.header["If-Match"] != `"v1"` {
		t.Errorf("sent %s %s %s If-Match %s", r.method, r.path, r.body, r.header["If-Match"])
	}
	if p.last.busy || p.fl.Version != "v2" {
		t.Errorf("after the answer: busy %v version %s", p.last.busy, p.fl.Version)
	}
	// The row Tencent refused is named, with the nickname the page knew.
	shows(t, p.statusView(), `id="fl-status"`, "1 of 1 friends could not be changed", "bob: Tencent refused")
}

func TestFriendListsFailureReadsTheListsAgain(t *testing.T) {
	f := newFakeAPI(t)
	p := friendListsFor(f)
	f.then(answer(502, &api.Error{Code: api.CodeUpstreamUnavailable, Message: "The new list was made; the old one is still there."}))
	p.renaming = "close"
	typed(f, p, "rename-to", "", "family")
	act(f, p, "rename-save", "")
	f.run()
	if r := f.request(0); r.body != `{"rename":"family"}` || r.path != "/api/v1/users/u1/friend-lists/close" {
		t.Errorf("sent %s %s", r.path, r.body)
	}
	// A rename that stopped half-way says what exists now: the page reads it.
	f.sentTo(1, "GET", "/api/v1/users/u1/friend-lists")
	shows(t, p.statusView(), "The new list was made; the old one is still there.")
}

func TestFriendListsChangedMeanwhile(t *testing.T) {
	f := newFakeAPI(t)
	p := friendListsFor(f)
	f.then(answer(412, &api.Error{Code: "precondition_failed", Message: "changed"}))
	tick(f, p, "delete-pick", argOf("work"), true)
	act(f, p, "delete", "")
	if !p.confirmDelete {
		t.Fatal("no confirmation asked")
	}
	shows(t, p.deleteDialog(), `role="alertdialog"`, "work")
	act(f, p, "delete-confirm", "")
	f.run()
	if r := f.request(0); r.method != "DELETE" || r.body != `{"names":["work"]}` {
		t.Errorf("sent %s %s", r.method, r.body)
	}
	if f.calls() != 1 || !p.last.conflict || p.confirmDelete {
		t.Errorf("calls %d conflict %v dialog open %v", f.calls(), p.last.conflict, p.confirmDelete)
	}
	shows(t, p.statusView(), "Someone changed this user&#39;s friend lists", `Load them again</button>`)
}

func TestFriendListsCreateAndMove(t *testing.T) {
	f := newFakeAPI(t)
	p := friendListsFor(f)
	typed(f, p, "new-name", "", "close")
	if p.createBlocker(p.pendingNames()) == "" {
		t.Error("a name already taken can be created")
	}
	typed(f, p, "new-name", "", "games")
	act(f, p, "add-name", "")
	typed(f, p, "new-name", "", "music")
	tick(f, p, "create-pick", argOf("carol"), true)
	after := p.fl
	after.Lists = append(after.Lists, api.FriendList{Name: "games", Friends: []api.Friend{{ID: "carol"}}}, api.FriendList{Name: "music", Friends: []api.Friend{{ID: "carol"}}})
	f.then(answer(200, after))
	act(f, p, "create", "")
	f.run()
	if r := f.request(0); r.method != "POST" || r.body != `{"names":["games","music"],"friends":["carol"]}` {
		t.Errorf("sent %s %s", r.method, r.body)
	}
	if len(p.names) != 0 || p.newName != "" {
		t.Errorf("the form is kept after the create: %v %q", p.names, p.newName)
	}

	// Moving chosen friends in sends only those not in the list already.
	tick(f, p, "choose", argOf("bob"), true)
	tick(f, p, "choose", argOf("carol"), true)
	act(f, p, "move-in", "")
	f.run()
	if r := f.request(1); r.path != "/api/v1/users/u1/friend-lists/close" || r.body != `{"add":["carol"]}` {
		t.Errorf("sent %s %s", r.path, r.body)
	}
}
