package e2e

// The group members family in the browser: a group's members, a member's
// profile saved after a preview, a conflict, several members at once, the
// undo from the audit log, an AVChatRoom, and a viewer.

import (
	"fmt"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

const liveRoom = "@TGS#3LIVEKR01" // AVChatRoom: no member profiles

func membersPath(group string) string { return "/group-members?id=" + url.QueryEscape(group) }

func memberPath(group, user string) string {
	return "/api/v1/groups/" + url.PathEscape(group) + "/members/" + url.PathEscape(user)
}

// resetTrailheadMembers puts the members this test changes back as the
// demo has them, whatever an earlier run left.
func (s *session) resetTrailheadMembers() {
	s.t.Helper()
	if st := s.call("PATCH", memberPath(trailhead, "bob"), map[string]any{"role": "Member", "nameCard": "bobby",
		"mute": map[string]any{"seconds": 0}, "data": []map[string]string{{"key": "level", "value": "3"}}}); st != 200 {
		s.t.Fatalf("reset bob: %d", st)
	}
	if st := s.call("POST", "/api/v1/groups/"+url.PathEscape(trailhead)+"/members", map[string]any{"members": []string{"li_ming", "sato_hanako"}, "role": "Member"}); st != 200 {
		s.t.Fatalf("reset li_ming and sato_hanako: %d", st)
	}
}

// A moderator opens Trailhead Hikers' members from the attribute editor,
// finds carmen by her name card, changes bob's name card, mute and level
// after a preview, meets someone else's change, makes two members admins
// (the owner refused on her row), undoes bob's change from the audit log,
// all at desktop size and on a 360 px phone.
func TestGroupMembers(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		s.resetTrailheadMembers()

		// From the editor to the members.
		s.visit(editorPath(trailhead))
		s.follow("Members of this group", "Members of Trailhead Hikers", "members")
		check(t, expect.Locator(s.page.GetByText(regexp.MustCompile(`^\d+ shown of \d+ members$`))).ToBeVisible(), "how many")
		bobRow := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "Bob Martin · bob"})
		check(t, expect.Locator(bobRow).ToContainText("Name card: bobby"), "name card shown")
		check(t, expect.Locator(bobRow).ToContainText("level: 3"), "custom data shown")
		check(t, expect.Locator(bobRow).ToContainText(regexp.MustCompile(`Joined \d{4}-\d\d-\d\d`)), "joined shown")
		s.inspect("members")

		// Search by name card.
		check(t, s.page.GetByLabel("Search by user ID or name card").Fill("captain"), "search")
		check(t, s.button("Search").Click(), "search")
		check(t, expect.Locator(s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "carmen"})).ToContainText("trail captain"), "carmen found")
		check(t, expect.Locator(s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "bob"})).ToHaveCount(0), "only matches")
		check(t, s.button("All members").Click(), "all members")

		// Bob's profile: name card with its counter, a day's mute, level.
		check(t, s.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Edit Bob Martin · bob"}).Click(), "open bob")
		check(t, expect.Locator(s.page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Profile of Bob Martin · bob"})).ToBeVisible(), "profile")
		card := s.page.GetByLabel("Name card")
		check(t, card.Fill("Bob 🥾 登山"), "name card")
		check(t, expect.Locator(s.page.GetByText("15 / 50 bytes")).ToBeVisible(), "live byte counter")
		selectOption(t, s.page.GetByLabel("Mute", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}), "1 day")
		check(t, expect.Locator(s.page.GetByText("Times are in your time zone")).ToBeVisible(), "the time zone said")
		check(t, s.page.GetByLabel("level").Fill("4"), "level")
		s.noSidewaysScroll("profile")
		check(t, s.button("Review and save").Click(), "review")
		dialog := s.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: "Review changes to Bob Martin · bob"})
		check(t, expect.Locator(dialog).ToContainText("Name card: bobby → Bob 🥾 登山"), "old → new")
		check(t, expect.Locator(dialog).ToContainText("level: 3 → 4"), "data old → new")
		check(t, expect.Locator(dialog).ToContainText(regexp.MustCompile(`Mute: Not muted → Muted until \d{4}-`)), "mute old → new")
		s.axeScan("preview")
		check(t, roleButton(dialog, "Save these changes").Click(), "save")
		check(t, expect.Locator(s.page.GetByText("Saved. The profile below")).ToBeVisible(), "saved")
		check(t, expect.Locator(s.page.GetByText(regexp.MustCompile(`^Muted until \d{4}-`))).ToBeVisible(), "muted until, in the profile")

		// The admin, in a browser of their own, changes bob between load
		// and save.
		check(t, card.Fill("Bob again"), "my edit")
		admin := open(t, desktop)
		admin.signIn("admin")
		if st := admin.call("PATCH", memberPath(trailhead, "bob"), map[string]any{"nameCard": "Theirs"}); st != 200 {
			t.Fatalf("their change: %d", st)
		}
		check(t, s.button("Review and save").Click(), "review")
		check(t, roleButton(dialog, "Save these changes").Click(), "save")
		warning := s.page.GetByRole("alert").Filter(playwright.LocatorFilterOptions{HasText: "Someone changed this member"})
		check(t, expect.Locator(warning).ToBeFocused(), "warning focused")
		check(t, expect.Locator(warning).ToContainText("Name card: Bob 🥾 登山 → Theirs"), "what they changed")
		check(t, roleButton(warning, "Load the member again").Click(), "reload")
		check(t, expect.Locator(card).ToHaveValue("Theirs"), "their change shown")
		check(t, s.button("← Back to the members").Click(), "back")

		// Several at once: the owner is refused on her row.
		s.loaded("members")
		for _, who := range []string{"李明 · li_ming", "佐藤花子 · sato_hanako", "Alice Walker · alice"} {
			check(t, s.page.GetByLabel("Choose "+who).Check(), "choose "+who)
		}
		check(t, s.button("Make admin").Click(), "make admin")
		confirm := s.page.GetByRole("alertdialog")
		check(t, expect.Locator(confirm).ToContainText("An admin can"), "what an admin can do")
		check(t, roleButton(confirm, "Make these 3 admins").Click(), "confirm")
		results := s.page.GetByRole("alert").Filter(playwright.LocatorFilterOptions{HasText: "2 done, 1 refused"})
		check(t, expect.Locator(results).ToContainText("alice: refused: alice is the group's owner"), "owner refused with the reason")
		check(t, expect.Locator(results).ToContainText("li_ming: done"), "li_ming made")
		check(t, expect.Locator(results).ToContainText("sato_hanako: done"), "sato_hanako made")
		sato := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "sato_hanako", Has: s.page.GetByRole("checkbox")})
		check(t, expect.Locator(sato).ToContainText("admin"), "the list shows it")

		// Undo bob's change (the one made in the form: the moderator's
		// newest; the admin's is not in the moderator's log) from the
		// audit log.
		s.visit("/audit?target=" + url.QueryEscape(trailhead+" bob"))
		entry := s.page.GetByRole("list").Last().GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "Changed a member's profile"}).First()
		check(t, entry.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Details of entry"}).Click(), "details")
		check(t, expect.Locator(entry).ToContainText("Bob 🥾 登山"), "the profile after, in the entry")
		check(t, entry.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Undo this change…"}).Click(), "undo")
		undo := s.page.GetByRole("dialog")
		check(t, expect.Locator(undo).ToContainText("Theirs"), "the name card now")
		check(t, expect.Locator(undo).ToContainText("bobby"), "the name card it puts back")
		check(t, roleButton(undo, "Restore the member's profile as it was").Click(), "confirm undo")
		check(t, expect.Locator(s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "Undone"})).ToContainText("member's profile"), "undone")
		bob := s.apiJSON(memberPath(trailhead, "bob"))
		if bob["nameCard"] != "bobby" || bob["mutedUntil"] != nil {
			t.Fatalf("bob after the undo: %v", bob)
		}
		s.noErrors()
	})
}

// A viewer sees the members and a profile, and no control that changes;
// an AVChatRoom says plainly that it keeps no member profiles.
func TestGroupMembersViewer(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		v := openAt(t, d, "viewer", membersPath(trailhead))
		check(t, expect.Locator(v.heading("Members of Trailhead Hikers")).ToBeVisible(), "viewer reads")
		v.loaded("members")
		v.readOnly("Your account can view this group's members but not change them.")
		check(t, expect.Locator(v.button("Make admin")).ToHaveCount(0), "no batch")
		check(t, v.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "View Bob Martin · bob"}).Click(), "open bob")
		check(t, expect.Locator(v.page.GetByLabel("Name card")).ToHaveAttribute("readonly", ""), "read only name card")
		check(t, expect.Locator(v.button("Review and save")).ToHaveCount(0), "no save")
		check(t, expect.Locator(v.page.GetByRole("combobox")).ToHaveCount(1), "no role or mute to choose (only the language)")
		v.inspect("viewer profile")

		// An AVChatRoom keeps no member profiles (the viewer reads every
		// group; the demo moderator's scope has no AVChatRoom).
		v.visit(membersPath(liveRoom))
		check(t, expect.Locator(v.page.GetByText("Live (AVChatRoom) groups keep no member profiles")).ToBeVisible(), "said plainly")
		v.noErrors()
	})
}

// A mute until a time in the other half of the year (summer time while
// it is winter in Berlin, winter while it is summer) ends at that time in
// the browser's zone by the zone's rules for that date, and the zone is
// named with that date's offset: Go's wasm runtime knows one offset only,
// the day's (app/time.go).
func TestMuteUntilAcrossSummerTime(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	d := desktop
	d.opts.TimezoneId = playwright.String("Europe/Berlin")
	s := open(t, d)
	s.signIn("moderator")
	s.resetTrailheadMembers()
	t.Cleanup(s.resetTrailheadMembers)
	s.visit(membersPath(trailhead) + "&member=bob")
	check(t, expect.Locator(s.page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Profile of Bob Martin · bob"})).ToBeVisible(), "profile")

	now := time.Now().In(berlin)
	until := time.Date(now.Year()+1, time.July, 1, 12, 0, 0, 0, berlin)
	if now.IsDST() {
		until = time.Date(now.Year()+1, time.January, 15, 12, 0, 0, 0, berlin)
	}
	selectOption(t, s.page.GetByLabel("Mute", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}), "Until a date and time…")
	check(t, s.page.GetByLabel(regexp.MustCompile(`^Until, time zone`)).Fill(until.Format("2006-01-02T15:04")), "until")
	_, offset := until.Zone()
	check(t, expect.Locator(s.page.GetByLabel(fmt.Sprintf("Until, time zone Europe/Berlin (UTC+%d)", offset/3600))).ToBeVisible(), "the zone with that date's offset")
	check(t, s.button("Review and save").Click(), "review")
	check(t, roleButton(s.page.GetByRole("dialog"), "Save these changes").Click(), "save")
	check(t, expect.Locator(s.page.GetByText("Saved. The profile below")).ToBeVisible(), "saved")
	check(t, expect.Locator(s.page.GetByText(fmt.Sprintf("Muted until %s UTC+%d", until.Format("2006-01-02 15:04"), offset/3600)).First()).ToBeVisible(),
		"the profile says the time chosen")

	// Tencent takes seconds from now: the end is the time chosen, to the
	// second.
	stored, _ := s.apiJSON(memberPath(trailhead, "bob"))["mutedUntil"].(string)
	at, err := time.Parse(time.RFC3339, stored)
	if err != nil || at.Sub(until).Abs() > 2*time.Second {
		t.Errorf("muted until %q, want %s", stored, until.UTC().Format(time.RFC3339))
	}
	s.noErrors()
}
