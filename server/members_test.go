package server

import (
	"context"
	"testing"

	"github.com/imdesk/imdesk/server/access"
	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/membership"
)

// "Members of a group" in a scope is Tencent's membership (owner, admins
// and ordinary members alike), asked once per
// group and user and kept for membership.TTL; a live group (AVChatRoom) or a
// missing group has no members as far as scope goes.
func TestMembersOfScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := &access.Principal{Name: "m", Role: api.RoleModerator,
		Scope: api.Scope{MembersOf: []string{"@TGS#3LIVEKR01", "@TGS#nothere", community}}}
	for _, c := range []struct {
		user  string
		sees  bool
		calls int // get_role_in_group calls so far
	}{
		{"bob", true, 3},        // a member of the third group; the first two have no members
		{"alice", true, 4},      // the owner; the groups without members are not asked again
		{"bob", true, 4},        // kept
		{"zhang_wei", false, 5}, // in no listed group
		{"carmen", true, 6},     // an admin of the third group is a member
	} {
		sees, err := p.SeesUser(ctx, e.srv.members, c.user)
		if err != nil || sees != c.sees {
			t.Fatalf("%s: %v %v, want %v", c.user, sees, err, c.sees)
		}
		if n := e.mock.Calls("get_role_in_group"); n != c.calls {
			t.Fatalf("after %s: %d calls, want %d", c.user, n, c.calls)
		}
	}
	e.clock.Advance(membership.TTL)
	if sees, _ := p.SeesUser(ctx, e.srv.members, "bob"); !sees || e.mock.Calls("get_role_in_group") != 9 {
		t.Fatalf("after the TTL: %v, %d calls", sees, e.mock.Calls("get_role_in_group"))
	}
}
