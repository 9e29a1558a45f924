package access

import (
	"context"
	"errors"
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// members is a fixed membership table; asked counts the questions.
type members struct {
	of    map[string][]string // group → users
	asked int
	err   error
}

func (m *members) IsMember(_ context.Context, g, u string) (bool, error) {
	m.asked++
	if m.err != nil {
		return false, m.err
	}
	for _, x := range m.of[g] {
		if x == u {
			return true, nil
		}
	}
	return false, nil
}

func TestRules(t *testing.T) {
	ctx := context.Background()
	m := &members{of: map[string][]string{"@TGS#club": {"alice"}}}
	scope := api.Scope{Groups: []string{"@TGS#a"}, MembersOf: []string{"@TGS#club"}, Users: []string{"bob"}}
	viewer := &Principal{Name: "v", Role: api.RoleViewer, Scope: scope}
	mod := &Principal{Name: "m", Role: api.RoleModerator, Scope: scope}
	admin := &Principal{Name: "a", Role: api.RoleAdmin}
	allMod := &Principal{Name: "am", Role: api.RoleModerator, Scope: api.Scope{All: true}}
	cases := []struct {
		p         *Principal
		f         Family
		t         Target
		sees, can bool
	}{
		{viewer, Attributes, Group("@TGS#a"), true, false},
		{viewer, Attributes, Group("@TGS#b"), false, false},
		{viewer, FriendLists, User("bob"), true, false},
		{mod, Attributes, Group("@TGS#a"), true, true},
		{mod, Attributes, Group("@TGS#b"), false, false},
		{mod, Attributes, Group("@TGS#club"), false, false}, // members of a group, not the group
		{mod, ConvGroups, User("bob"), true, true},
		{mod, ConvGroups, User("alice"), true, true}, // a member of @TGS#club
		{mod, FriendLists, User("carol"), false, false},
		{admin, FriendLists, User("carol"), true, true},
		{admin, Attributes, Group("@TGS#b"), true, true},
		{allMod, ConvGroups, User("carol"), true, true},
	}
	for _, c := range cases {
		sees, err := c.p.Sees(ctx, m, c.t)
		if err != nil || sees != c.sees {
			t.Errorf("%s sees %v: %v %v, want %v", c.p.Name, c.t, sees, err, c.sees)
		}
		can, err := c.p.CanChange(ctx, m, c.f, c.t)
		if err != nil || can != c.can {
			t.Errorf("%s changes %s of %v: %v %v, want %v", c.p.Name, c.f, c.t, can, err, c.can)
		}
	}
}

// Tencent is asked only when the scope names groups whose members count,
// and an error is not read as a no.
func TestMembershipAskedOnlyWhenNeeded(t *testing.T) {
	ctx := context.Background()
	m := &members{}
	p := &Principal{Role: api.RoleModerator, Scope: api.Scope{Users: []string{"bob"}}}
	if ok, _ := p.SeesUser(ctx, m, "bob"); !ok || m.asked != 0 {
		t.Fatalf("listed user: %v, asked %d", ok, m.asked)
	}
	if ok, _ := p.SeesUser(ctx, m, "carol"); ok || m.asked != 0 {
		t.Fatalf("no member-of groups: %v, asked %d", ok, m.asked)
	}
	m.err = errors.New("tencent down")
	p.Scope.MembersOf = []string{"@TGS#club"}
	if _, err := p.SeesUser(ctx, m, "carol"); err == nil {
		t.Fatal("an error from Tencent was read as an answer")
	}
}
