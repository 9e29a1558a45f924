package main

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

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

// under fails the test unless the element id's paragraph or span holds
// want: the sentence shown under a field (its help, which the input is
// described by).
func under(t *testing.T, ui app.UI, id, want string) {
	t.Helper()
	html := app.HTMLString(ui)
	i := strings.Index(html, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no %s in\n%s", id, html)
	}
	end := strings.Index(html[i:], "</p>")
	if got := html[i : i+end]; !strings.Contains(got, `class="field-error"`) || !strings.Contains(got, want) {
		t.Errorf("under %s: %s, want %q", id, got, want)
	}
}

// A field error shows under the field it names, the field marked, whether
// the page's own check finds it (a name card holding U+202E or starting
// with a space, a custom value holding a tab) or the server's answer names
// it (nameCard, data[i].value) — not only beside Save.
func TestMemberFieldErrorsUnderTheirFields(t *testing.T) {
	f := newFakeAPI(t)
	p := &groupMembersPage{groupID: "g", group: &api.Group{ID: "g", Type: "Public", CanEdit: true}}
	p.beginReady(f.ctx)
	t.Cleanup(func() { setUnsaved(false) }) // the form's edits are left unsaved
	profile := &api.MemberProfile{GroupID: "g", GroupType: "Public", Version: "v1",
		Member: api.Member{ID: "bob", Role: api.MemberMember, NameCard: "bobby"}, DataKeys: []string{"badge", "level"}}
	p.setProfile(profile)

	typed(f, p, "name-card", "", "Bob\u202e")
	under(t, p.profileView(), "gm-name-card-help", "reorders or hides text (U+202E")
	shows(t, p.profileView(), `aria-invalid aria-describedby="gm-name-card-help"`)
	typed(f, p, "name-card", "", strings.Repeat("b", 51))
	under(t, p.profileView(), "gm-name-card-help", "51 bytes; the limit is 50")
	typed(f, p, "name-card", "", " Bob")
	under(t, p.profileView(), "gm-name-card-help", "starts or ends with a space")
	typed(f, p, "data", argOf("level"), "4\t")
	under(t, p.profileView(), "gm-data-level-help", "control character (U+0009")
	under(t, p.profileView(), "gm-name-card-help", "starts or ends with a space") // every field at fault at once

	typed(f, p, "mute", "", muteUntil)
	typed(f, p, "until", "", "2020-01-01T10:00")
	under(t, p.profileView(), "gm-mute-zone", "in the past")
	typed(f, p, "mute", "", muteKeep)

	// What the server refuses, named by its field, lands under that field
	// too: here rules the page does not know.
	typed(f, p, "name-card", "", "Bob")
	typed(f, p, "data", argOf("level"), "4")
	typed(f, p, "data", argOf("badge"), "gold")
	f.then(answer(400, &api.Error{Code: "invalid_argument", Field: "data[1].value", Message: "Tencent refuses this level."}))
	act(f, p, "save", "")
	f.run()
	if p.actErr == nil || p.busy {
		t.Fatalf("the answer not taken: %+v", p.actErr)
	}
	under(t, p.profileView(), "gm-data-level-help", "Tencent refuses this level.")
	hides(t, p.profileView(), `<p id="gm-data-badge-help" class="counter counter-over"`)

	f.then(answer(400, &api.Error{Code: "invalid_argument", Field: "nameCard", Message: "Tencent refuses this name card."}))
	act(f, p, "save", "")
	f.run()
	under(t, p.profileView(), "gm-name-card-help", "Tencent refuses this name card.")

	typed(f, p, "name-card", "", "Bobby B")
	hides(t, p.profileView(), "Tencent refuses", "field-error")
}
