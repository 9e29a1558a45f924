package main

import (
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// The user finder, as part of the friend lists page: a group's members
// the scope reaches as users, a page at a time, each a link to the page
// about them.
func TestUserFinderListsMembers(t *testing.T) {
	f, p := pageOn(t, &friendListsPage{})
	p.route = pathFriendLists
	p.finder.start(f.ctx, pathFriendLists)
	f.then(
		answer(200, api.MemberPage{GroupID: "@g1", Members: []api.Member{{ID: "bob", Nick: "Bob", Role: "Owner"}, {ID: "wang", Role: "Member"}},
			NextCursor: "m2", Total: 3, UsersInScope: []string{"bob"}}),
		answer(500, &api.Error{Code: api.CodeInternal, Message: "Something went wrong on the server."}),
	)
	typed(f, p, "members-group", "", " @g1 ")
	act(f, p, "members-list", "")
	f.run()
	if r := f.request(0); r.path != "/api/v1/groups/@g1/members" {
		t.Errorf("sent %s", r.path)
	}
	shows(t, p.finder.view(p), `href="/friend-lists?user=bob"`, "Bob · bob")
	hides(t, p.finder.view(p), "wang") // a member the scope does not reach as a user
	act(f, p, "members-more", "")
	f.run()
	if r := f.request(1); r.path != "/api/v1/groups/@g1/members?cursor=m2" {
		t.Errorf("more sent %s", r.path)
	}
	// A failure says so and offers to try again.
	shows(t, p.finder.view(p), "Something went wrong on the server.", "Try again")
	if len(p.finder.members) != 1 {
		t.Errorf("members %v", p.finder.members)
	}
}
