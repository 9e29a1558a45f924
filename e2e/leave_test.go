package e2e

// Unsaved edits are never lost without a word: every way out of a page
// with unsaved edits asks first, and staying keeps the edits.

import (
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
