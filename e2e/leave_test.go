package e2e

// Unsaved edits are never lost without a word: every way out of a page
// with unsaved edits asks first, and staying keeps the edits.

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// A moderator edits a value, then tries each way out — the link in the
// page, the header's name of the app, the browser's Back, the language,
// sign-out — says "stay" each time and keeps the edit; then leaves by the
// link in the page and says "leave".
func TestLeavingUnsavedEditsAsks(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		var mu sync.Mutex
		var asked []string
		leave := false
		s.page.OnDialog(func(dl playwright.Dialog) {
			mu.Lock()
			asked = append(asked, dl.Message())
			ok := leave
			mu.Unlock()
			if ok {
				_ = dl.Accept()
			} else {
				_ = dl.Dismiss()
			}
		})
		questions := func() int {
			mu.Lock()
			defer mu.Unlock()
			for _, q := range asked {
				if !strings.Contains(q, "not saved") {
					t.Fatalf("asked %q", q)
				}
			}
			return len(asked)
		}
		// Into the editor the way a person goes: the finder, then the group.
		s.visit("/groups")
		check(t, s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Trailhead Hikers"}).First().Click(), "open the group")
		editor := s.heading("Attributes of Trailhead Hikers")
		check(t, expect.Locator(editor).ToBeVisible(), "editor")
		value := s.page.GetByLabel("Value of row 1")
		check(t, value.Fill("unsaved in e2e"), "edit a value")
		stayed := func(what string, n int) {
			t.Helper()
			check(t, expect.Locator(editor).ToBeVisible(), what+": stayed on the editor")
			check(t, expect.Locator(value).ToHaveValue("unsaved in e2e"), what+": the edit is kept")
			check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/group\?id=`)), what+": the address is the editor's")
			if got := questions(); got != n {
				t.Fatalf("%s: %d questions asked, want %d", what, got, n)
			}
		}
		check(t, s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "← All groups"}).Click(), "the link in the page")
		stayed("link in the page", 1)
		check(t, s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "imdesk"}).First().Click(), "the header")
		stayed("header", 2)
		_, err := s.page.GoBack()
		check(t, err, "the browser's Back")
		stayed("Back", 3)
		_, err = s.page.GetByRole("combobox", playwright.PageGetByRoleOptions{Name: "Language"}).SelectOption(playwright.SelectOptionValues{Values: &[]string{"ja"}})
		check(t, err, "the language")
		stayed("language", 4)
		check(t, expect.Locator(s.page.GetByRole("combobox", playwright.PageGetByRoleOptions{Name: "Language"})).ToHaveValue("en"), "the language stays")
		check(t, s.button("Sign out").Click(), "sign out")
		stayed("sign-out", 5)
		s.axeScan("the editor kept after the questions")

		mu.Lock()
		leave = true
		mu.Unlock()
		check(t, s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "← All groups"}).Click(), "leave by the link in the page")
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/groups$`)), "left for the finder")
		if got := questions(); got != 6 {
			t.Fatalf("%d questions asked, want 6", got)
		}
		s.noErrors()
	})
}

// The moderator's session ends mid-edit (an administrator signs them out);
// Save sends them to sign in, which says why and that the edits are kept;
// after signing in the editor shows the edits again, unsaved, and saves
// them only when the moderator does.
func TestSessionEndedMidEditKeepsDraft(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		s.putAttributes(trailhead, map[string]string{"theme": "Night sky 夜空", "season": "autumn"})
		before := s.attributes(trailhead)
		s.visit(editorPath(trailhead))
		check(t, expect.Locator(s.heading("Attributes of Trailhead Hikers")).ToBeVisible(), "editor")
		value := s.page.GetByLabel("Value of row 1")
		key, _ := s.page.GetByLabel("Key of row 1").InputValue()
		check(t, value.Fill("kept across sign-in"), "edit a value")

		admin := open(t, d)
		admin.signIn("admin")
		if st := admin.call("DELETE", "/api/v1/accounts/moderator/sessions", nil); st != 200 {
			t.Fatalf("end the moderator's sessions: %d", st)
		}

		check(t, s.button("Review and save").Click(), "review")
		check(t, s.button("Save changes to Trailhead Hikers").Click(), "save")
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/signin\?next=`)), "sent to sign in")
		note := s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "Your session ended"})
		check(t, expect.Locator(note).ToContainText("Your session ended — an administrator signed you out."), "why")
		check(t, expect.Locator(note).ToContainText("Your unsaved edits are kept on this device"), "the edits are kept")
		s.axeScan("sign-in after the session ended")

		s.fillSignIn("moderator", s.panel.passwords["moderator"])
		check(t, expect.Locator(s.heading("Attributes of Trailhead Hikers")).ToBeVisible(), "back at the editor")
		check(t, expect.Locator(s.page.GetByText("Your edits from before the session ended are back.")).ToBeVisible(), "the notice")
		check(t, expect.Locator(value).ToHaveValue("kept across sign-in"), "the edit is back")
		if now := s.attributes(trailhead); now[key] != before[key] {
			t.Fatalf("saved without the moderator: %q", now[key])
		}
		s.axeScan("editor with the draft")
		check(t, s.button("Review and save").Click(), "review")
		check(t, s.button("Save changes to Trailhead Hikers").Click(), "save")
		check(t, expect.Locator(s.page.GetByText("Saved.")).ToBeVisible(), "saved")
		if now := s.attributes(trailhead); now[key] != "kept across sign-in" {
			t.Fatalf("stored: %q", now[key])
		}
		s.noErrors()
	})
}

// The same for the other pages with forms: a new conversation group being
// made on a user's conversation groups, and a member's profile being
// changed (the open member is in the page's address, so signing in again
// reopens it). Each time an administrator ends the moderator's sessions
// mid-edit; the change waits for the moderator after signing in.
func TestSessionEndedMidEditKeepsDraftOnEveryPage(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		s.resetTrailheadMembers()
		admin := open(t, d)
		admin.signIn("admin")
		sessionEnds := func(save func()) {
			t.Helper()
			if st := admin.call("DELETE", "/api/v1/accounts/moderator/sessions", nil); st != 200 {
				t.Fatalf("end the moderator's sessions: %d", st)
			}
			save()
			check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/signin\?next=`)), "sent to sign in")
			note := s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "Your session ended"})
			check(t, expect.Locator(note).ToContainText("Your session ended — an administrator signed you out."), "why")
			check(t, expect.Locator(note).ToContainText("Your unsaved edits are kept on this device"), "the edits are kept")
			s.fillSignIn("moderator", s.panel.passwords["moderator"])
		}
		notice := s.page.GetByText("Your edits from before the session ended are back.")

		// A conversation group being made: its name and a conversation picked.
		folder := "Kept " + d.name
		s.visit(convGroupsPath("alice"))
		create := s.region("Create a conversation group")
		name := create.GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)})
		check(t, name.Fill(folder), "name")
		check(t, create.GetByLabel("User Carmen Díaz · carmen").Check(), "pick a conversation")
		sessionEnds(func() { check(t, roleButton(create, "Create group").Click(), "create") })
		check(t, expect.Locator(s.heading("Conversation groups of Alice Walker · alice")).ToBeVisible(), "back at the conversation groups")
		check(t, expect.Locator(notice).ToBeVisible(), "the notice")
		check(t, expect.Locator(name).ToHaveValue(folder), "the name is back")
		check(t, expect.Locator(create.GetByLabel("User Carmen Díaz · carmen")).ToBeChecked(), "the pick is back")
		check(t, expect.Locator(s.region(folder)).ToHaveCount(0), "not made without the moderator")
		s.axeScan("conversation groups with the draft")
		check(t, roleButton(create, "Create group").Click(), "create")
		check(t, expect.Locator(s.region(folder).GetByText("User Carmen Díaz · carmen")).ToBeVisible(), "made on the moderator's choice")
		check(t, expect.Locator(notice).ToHaveCount(0), "the notice goes once it is made")
		if st := s.call("DELETE", "/api/v1/users/alice/conversation-groups/"+url.PathEscape(folder), nil); st != 200 {
			t.Fatalf("clean up %s: %d", folder, st)
		}

		// A member's profile being changed.
		s.visit(membersPath(trailhead))
		check(t, s.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Edit Bob Martin · bob"}).Click(), "open bob")
		profile := s.page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Profile of Bob Martin · bob"})
		check(t, expect.Locator(profile).ToBeVisible(), "profile")
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`member=bob`)), "the member in the address")
		card := s.page.GetByLabel("Name card")
		check(t, card.Fill("kept "+d.name), "name card")
		check(t, s.button("Review and save").Click(), "review")
		dialog := s.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: "Review changes to Bob Martin · bob"})
		sessionEnds(func() { check(t, roleButton(dialog, "Save these changes").Click(), "save") })
		check(t, expect.Locator(profile).ToBeVisible(), "back at bob's profile")
		check(t, expect.Locator(notice).ToBeVisible(), "the notice")
		check(t, expect.Locator(card).ToHaveValue("kept "+d.name), "the name card is back")
		if got := s.apiJSON(memberPath(trailhead, "bob"))["nameCard"]; got != "bobby" {
			t.Fatalf("saved without the moderator: %v", got)
		}
		s.axeScan("member profile with the draft")
		check(t, s.button("Review and save").Click(), "review")
		check(t, roleButton(dialog, "Save these changes").Click(), "save")
		check(t, expect.Locator(s.page.GetByText("Saved.")).ToBeVisible(), "saved")
		if got := s.apiJSON(memberPath(trailhead, "bob"))["nameCard"]; got != "kept "+d.name {
			t.Fatalf("stored: %v", got)
		}
		s.resetTrailheadMembers()
		s.noErrorsBut("401")
	})
}
