package main

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin wherever the tests run

	"github.com/imdesk/imdesk/server/api"
)

// browserInBerlin makes the test's browser one in Europe/Berlin on a
// December day as Go's wasm runtime sees it: time.Local is one fixed
// offset, that day's (UTC+1), while the browser's Date keeps Berlin's
// rules, summer time included.
func browserInBerlin(t *testing.T) {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	local, offset := time.Local, browserOffset
	time.Local = time.FixedZone("UTC+1", 3600)
	browserOffset = func(at time.Time) int {
		_, o := at.In(berlin).Zone()
		return o
	}
	t.Cleanup(func() { time.Local, browserOffset = local, offset })
}

// A time typed or shown in July is in summer time even in December: the
// mute's end, a date-and-time value, and the zone named beside them.
func TestTimesTakeTheOffsetOfTheirDate(t *testing.T) {
	browserInBerlin(t)

	for _, c := range []struct{ until, want string }{
		{"2027-07-01T12:00", "2027-07-01T10:00:00Z"},
		{"2026-12-24T18:30", "2026-12-24T17:30:00Z"},
		{"2026-03-29T02:30", "2026-03-29T01:30:00Z"}, // skipped by the clocks: 03:30 summer time, as the browser reads it
		{"2026-10-25T02:30", "2026-10-25T00:30:00Z"}, // passed twice: the first, in summer time
	} {
		m, ok := muteChoice{choice: muteUntil, until: c.until}.mute()
		if !ok || m.Until.UTC().Format(time.RFC3339) != c.want {
			t.Errorf("mute until %s: %v %v, want %s", c.until, m, ok, c.want)
		}
	}

	for _, c := range []struct{ value, input string }{
		{"2027-07-01T12:00:00+02:00", "2027-07-01T12:00:00"},
		{"2026-12-24T18:30:00+01:00", "2026-12-24T18:30:00"},
	} {
		if got := toLocalInput(c.value); got != c.input {
			t.Errorf("%s shows as %s, want %s", c.value, got, c.input)
		}
		if got := fromLocalInput(c.input[:16]); got != c.value {
			t.Errorf("%s typed is %s, want %s", c.input[:16], got, c.value)
		}
	}

	july := time.Date(2027, 7, 1, 10, 0, 0, 0, time.UTC)
	if got := localSeconds(july); got != "2027-07-01 12:00:00" {
		t.Errorf("shown as %s", got)
	}
	if got := zoneName(july); got != "UTC+2" {
		t.Errorf("the zone in July is named %s", got)
	}

	// The member's form names the zone with the offset of the time chosen.
	f := newFakeAPI(t)
	p := &groupMembersPage{group: &api.Group{ID: "g", Type: "Public", CanEdit: true}}
	p.beginReady(f.ctx)
	t.Cleanup(func() { setUnsaved(false) }) // the form's edits are left unsaved
	p.setProfile(&api.MemberProfile{GroupType: "Public", Member: api.Member{ID: "bob", Role: api.MemberMember}})
	typed(f, p, "mute", "", muteUntil)
	typed(f, p, "until", "", "2027-07-01T12:00")
	shows(t, p.profileView(), "UTC+2")
}
