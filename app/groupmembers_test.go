package main

import (
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

func TestMuteOf(t *testing.T) {
	for _, c := range []struct {
		name, choice, until string
		seconds             int64 // -1: a time; -2: no change
		ok                  bool
	}{
		{name: "no change", choice: muteKeep, seconds: -2, ok: true},
		{name: "unmute", choice: muteUnmute, seconds: 0, ok: true},
		{name: "a day", choice: "86400", seconds: 86400, ok: true},
		{name: "until unmuted", choice: muteForever, seconds: api.MuteForever, ok: true},
		{name: "until a time", choice: muteUntil, until: "2026-12-24T18:30", seconds: -1, ok: true},
		{name: "until, no time yet", choice: muteUntil, ok: false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, ok := muteChoice{c.choice, c.until}.mute()
			switch {
			case ok != c.ok:
				t.Fatalf("ok %v", ok)
			case !ok:
			case c.seconds == -2:
				if m != nil {
					t.Fatalf("a change: %+v", m)
				}
			case c.seconds == -1:
				if m.Until == nil || m.Until.Format("2006-01-02T15:04") != c.until {
					t.Fatalf("until %+v", m)
				}
			case m.Seconds == nil || *m.Seconds != c.seconds:
				t.Fatalf("seconds %+v", m)
			}
		})
	}
}

// The form sends only what changed, and keeping my edits after someone
// else's change keeps theirs where I changed nothing.
func TestMemberFormChangeAndKeepMine(t *testing.T) {
	loaded := &api.MemberProfile{GroupType: "Community", Member: api.Member{ID: "bob", Role: api.MemberMember, NameCard: "bobby",
		Data: []api.Attr{{Key: "level", Value: "3"}}}, DataKeys: []string{"badge", "level"}}
	p := &groupMembersPage{}
	p.setProfile(loaded)
	if c := p.change(); !c.empty() || p.blocker() == "" {
		t.Fatalf("a change before any edit: %+v", c)
	}
	p.nameCard, p.data["level"], p.mute.choice = "Bob", "4", "86400"
	c := p.change()
	if c.Role != nil || c.NameCard == nil || *c.NameCard != "Bob" || len(c.Data) != 1 || c.Data[0] != (api.Attr{Key: "level", Value: "4"}) || *c.Mute.Seconds != 86400 {
		t.Fatalf("change %+v", c)
	}
	if b := p.blocker(); b != "" {
		t.Fatalf("blocked: %s", b)
	}
	d := p.previewDiff()
	if len(d.changed) != 3 { // name card, mute, level
		t.Fatalf("preview %+v", d)
	}

	now := *loaded
	now.Role, now.Data = api.MemberAdmin, []api.Attr{{Key: "badge", Value: "new"}, {Key: "level", Value: "3"}}
	p.current = &now
	p.keepMine()
	c = p.change()
	if p.role != api.MemberAdmin || p.data["badge"] != "new" || c.Role != nil || c.NameCard == nil || len(c.Data) != 1 {
		t.Fatalf("after keeping mine: role %s, data %v, change %+v", p.role, p.data, c)
	}

	p.setProfile(&api.MemberProfile{GroupType: "Community", Member: api.Member{ID: "alice", Role: api.MemberOwner}})
	p.role = api.MemberMember
	if p.blocker() == "" {
		t.Fatal("the owner's role can be changed")
	}
}
