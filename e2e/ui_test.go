package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

const (
	trailhead = "@TGS#_trailhead" // Community, in the demo moderator's scope
	yuexiang  = "@TGS#_yuexiang"  // Community, in scope
	photo     = "@TGS#2J4SZEAEL"  // Public, in scope
	opsOnCall = "@TGS#aC5SZEAEF"  // Work, outside the moderator's scope
	meeting   = "@TGS#1NVTZEAE4"  // Meeting
	liveKR    = "@TGS#3LIVEKR01"  // AVChatRoom
)

func editorPath(id string) string { return "/group?id=" + url.QueryEscape(id) }

// Each role signs in through the form; a page that needs a session sends
// the browser to sign in and back; sign-out ends the session.
func TestSignInEachRole(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		for _, role := range []string{"viewer", "moderator", "admin"} {
			t.Run(role, func(t *testing.T) {
				s := open(t, d)
				s.visit("/audit?outcome=ok")
				check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/signin\?next=%2Faudit%3Foutcome%3Dok$`)), "sent to sign in")
				check(t, expect.Locator(s.page.GetByLabel("Account name")).ToHaveAttribute("autocomplete", "username"), "autocomplete username")
				check(t, expect.Locator(s.page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToHaveAttribute("autocomplete", "current-password"), "autocomplete password")
				s.fillSignIn(role, s.panel.passwords[role])
				check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/audit\?outcome=ok$`)), "back where they were")
				check(t, expect.Locator(s.page.GetByText(fmt.Sprintf("Signed in as %s (%s)", role, role))).ToBeVisible(), "who is signed in")
				check(t, s.button("Sign out").Click(), "sign out")
				check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/signin$`)), "at sign-in after sign-out")
				s.visit("/groups")
				check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/signin\?next=`)), "the session really ended")
				s.noErrors()
			})
		}
	})
}

// A wrong password gets one generic message; nothing says which part was wrong.
func TestSignInWrongPassword(t *testing.T) {
	s := open(t, desktop)
	s.visit("/signin")
	s.fillSignIn("moderator", "not-the-password")
	check(t, expect.Locator(s.page.GetByRole("alert")).ToContainText("The name or password is not right."), "generic error")
	s.fillSignIn("nobody-at-all", "not-the-password")
	check(t, expect.Locator(s.page.GetByRole("alert")).ToContainText("The name or password is not right."), "same error for an unknown name")
}

// An expired session returns the user to sign-in and then back; what the
// account's pages kept on the device for reading offline goes with the
// session.
func TestExpiredSessionComesBack(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := openAt(t, d, "admin", "/groups")
		check(t, expect.Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Trailhead Hikers"})).ToBeVisible(), "finder loaded")
		if keys, account := s.keptKeys(); len(keys) == 0 || account != "admin" {
			t.Fatalf("kept for reading offline: account %v, keys %q", account, keys)
		}
		check(t, s.ctx.ClearCookies(), "drop the session cookie")
		check(t, s.page.GetByLabel("Group ID or name").Fill("Hikers"), "search")
		check(t, s.button("Find").Click(), "find")
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/signin\?next=%2Fgroups%3Fquery%3DHikers$`)), "sent to sign in")
		if keys, account := s.keptKeys(); len(keys) > 0 || account != nil {
			t.Errorf("kept after the session ended: account %v, keys %q", account, keys)
		}
		s.axeScan("sign-in after the session ended")
		s.fillSignIn("admin", s.panel.passwords["admin"])
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/groups\?query=Hikers$`)), "back at the finder, with the search")
		check(t, expect.Locator(s.page.GetByText("1 group found", playwright.PageGetByTextOptions{Exact: playwright.Bool(true)})).ToBeVisible(), "the search made again")
		s.axeScan("back at the finder")
	})
}

// Find a group by name and by type; open it; it is remembered on the device.
func TestFindGroup(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("viewer")
		check(t, s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Group attributes"}).First().Click(), "open the finder")
		check(t, expect.Locator(s.heading("Group attributes")).ToBeVisible(), "finder heading")
		check(t, expect.Locator(s.page.GetByText("9 groups found")).ToBeVisible(), "all groups listed")
		selectOption(t, s.page.GetByLabel("Group type"), "Community")
		check(t, expect.Locator(s.page.GetByText("3 groups found")).ToBeVisible(), "communities only")
		check(t, s.page.GetByLabel("Group ID or name").Fill("读书"), "search by name")
		check(t, s.button("Find").Click(), "find")
		result := s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "悦享读书会"})
		check(t, expect.Locator(s.page.GetByText("1 group found", playwright.PageGetByTextOptions{Exact: playwright.Bool(true)})).ToBeVisible(), "one match")
		check(t, expect.Locator(result).ToContainText("Community"), "type shown")
		check(t, expect.Locator(result).ToContainText("4 members"), "member count shown")
		check(t, s.page.GetByLabel("Group ID or name").Fill("no such group anywhere"), "search nothing")
		check(t, s.button("Find").Click(), "find")
		check(t, expect.Locator(s.page.GetByText("No group matches")).ToBeVisible(), "empty state")
		check(t, s.page.GetByLabel("Group ID or name").Fill(yuexiang), "search by id")
		check(t, s.button("Find").Click(), "find")
		check(t, result.Click(), "open the group")
		check(t, expect.Locator(s.heading("Attributes of 悦享读书会")).ToBeVisible(), "editor heading")
		// A viewer sees the attributes but no write controls.
		check(t, expect.Locator(s.page.GetByText("can view these attributes but not change them")).ToBeVisible(), "read-only note")
		for _, name := range []string{"Review and save", "+ Add an attribute", "Replace all attributes…", "Clear all attributes…"} {
			check(t, expect.Locator(s.button(name)).ToHaveCount(0), "no "+name)
		}
		check(t, s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "← All groups"}).Click(), "back")
		recent := s.page.GetByRole("region", playwright.PageGetByRoleOptions{Name: "Recently opened on this device"})
		check(t, expect.Locator(recent.GetByRole("link")).ToContainText("悦享读书会"), "remembered")
		s.noErrors()
	})
}

// Tencent's refusals reach the moderator as sentences with a request id.
func TestTencentFaultsShownFriendly(t *testing.T) {
	for _, c := range []struct {
		name, fault, words string
	}{
		{"10049", `{"command":"modify_group_attr","kind":"error","errorCode":10049,"times":1}`, "This group's attributes were changed too often; try again in a moment."},
		// The save's answer is lost twice: the panel reads the group again
		// after each, finds it as before, and says the change was not made.
		{"502", `{"command":"modify_group_attr","kind":"http502","times":2}`, "did not give a usable answer; if it keeps happening, tell your administrator. Try again."},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := openOn(t, desktop, suite.live)
			s.signIn("admin")
			s.visit(editorPath(liveKR))
			check(t, s.page.GetByLabel("Value of row 1").Fill("fault "+c.name), "edit")
			inject(t, c.fault)
			check(t, s.button("Review and save").Click(), "review")
			check(t, s.page.GetByRole("dialog").GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Save changes to 라이브 콘서트"}).Click(), "confirm")
			alert := s.page.GetByRole("alert")
			check(t, expect.Locator(alert).ToContainText(c.words), "friendly message")
			check(t, expect.Locator(alert).ToContainText(regexp.MustCompile(`Request id: [0-9a-f]{16}`)), "request id")
		})
	}
}

// The audit page keeps its filters in the URL, pages newest first, and
// offers exports.
func TestAuditPage(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := openAt(t, d, "admin", "/audit")
		check(t, expect.Locator(s.heading("Audit log")).ToBeVisible(), "heading")
		s.openFilters()
		selectOption(t, s.page.GetByLabel("Action"), "Signed in")
		check(t, s.page.GetByLabel("Account").Fill("admin"), "actor filter")
		check(t, s.button("Apply filters").Click(), "apply")
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`action=session.signin`)), "filters in the URL")
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`actor=admin`)), "filters in the URL")
		entries := s.page.GetByRole("list").Last().GetByRole("listitem")
		check(t, expect.Locator(entries.First()).ToContainText("Signed in"), "filtered entries")
		_, err := s.page.Reload()
		check(t, err, "reload")
		s.waitLive()
		s.openFilters()
		check(t, expect.Locator(s.page.GetByLabel("Account")).ToHaveValue("admin"), "filters survive a reload")
		selectOption(t, s.page.GetByLabel("Outcome"), "Unknown — check it in the panel")
		check(t, s.button("Apply filters").Click(), "apply")
		check(t, expect.Locator(s.page.GetByText("No entries match these filters.")).ToBeVisible(), "empty state")
		s.noErrors()
	})
}

// Every page passes an accessibility scan, and the pages are usable at
// 360 px without scrolling sideways.
func TestAccessibility(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := atSignIn(t, d)
		s.axeScan("sign-in")
		s.fillSignIn("moderator", s.panel.passwords["moderator"])
		check(t, expect.Locator(s.page.GetByText("Signed in as moderator")).ToBeVisible(), "signed in")
		for _, page := range []struct{ path, ready string }{
			{"/", "What would you like to change?"},
			{"/groups", "Group attributes"},
			{editorPath(trailhead), "Attributes of Trailhead Hikers"},
			{"/audit", "Audit log"},
		} {
			s.visit(page.path)
			check(t, expect.Locator(s.heading(page.ready)).ToBeVisible(), page.path)
			check(t, expect.Locator(s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "Loading"})).ToHaveCount(0), "loaded "+page.path)
			s.axeScan(page.path)
			s.noSidewaysScroll(page.path)
		}
		s.noErrors()
	})
}

// The sign-in form works from the keyboard alone, with a visible focus.
func TestKeyboardSignIn(t *testing.T) {
	s := open(t, desktop)
	s.visit("/signin")
	kb := s.page.Keyboard()
	// Skip link first, then the fields.
	check(t, kb.Press("Tab"), "tab")
	check(t, expect.Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Skip to content"})).ToBeFocused(), "skip link first")
	check(t, s.page.GetByLabel("Account name").Focus(), "focus the name")
	outline, err := s.page.Evaluate(`getComputedStyle(document.activeElement).outlineStyle`)
	check(t, err, "outline")
	if outline == "none" {
		t.Error("the focused field shows no outline")
	}
	check(t, kb.Type("viewer"), "type name")
	check(t, kb.Press("Tab"), "to password")
	check(t, kb.Type(s.panel.passwords["viewer"]), "type password")
	check(t, kb.Press("Enter"), "submit with Enter")
	check(t, expect.Locator(s.page.GetByText("Signed in as viewer")).ToBeVisible(), "signed in by keyboard")
}

// Touch targets on the phone are at least 44 px high.
func TestTouchTargets(t *testing.T) {
	s := open(t, phone)
	s.signIn("moderator")
	s.visit(editorPath(trailhead))
	check(t, expect.Locator(s.heading("Attributes of Trailhead Hikers")).ToBeVisible(), "editor")
	buttons := s.page.GetByRole("button")
	n, err := buttons.Count()
	check(t, err, "count")
	for i := range n {
		b := buttons.Nth(i)
		if visible, _ := b.IsVisible(); !visible {
			continue
		}
		box, err := b.BoundingBox()
		check(t, err, "box")
		if box.Height < 44 || box.Width < 44 {
			name, _ := b.TextContent()
			if label, _ := b.GetAttribute("aria-label"); label != "" {
				name = label
			}
			t.Errorf("button %q is %.0f×%.0f px", name, box.Width, box.Height)
		}
	}
}

// selectOption picks an option of a select by its visible text.
func selectOption(t *testing.T, sel playwright.Locator, label string) {
	t.Helper()
	_, err := sel.SelectOption(playwright.SelectOptionValues{Labels: &[]string{label}})
	check(t, err, "select "+label)
}

// After a failure, "Try again" loads the page (the retry runs from the
// page's own context, not the button's, which is gone once loading shows).
func TestTryAgainAfterAFailure(t *testing.T) {
	s := openOn(t, desktop, suite.live)
	s.signIn("admin")
	inject(t, `{"command":"get_group_attr","kind":"error","errorCode":10002,"times":3}`)
	s.visit(editorPath(trailhead))
	check(t, expect.Locator(s.page.GetByRole("alert")).ToContainText("temporary problem"), "the failure is shown")
	check(t, s.button("Try again").Click(), "try again")
	check(t, expect.Locator(s.page.GetByLabel("Key of row 1")).ToBeVisible(), "loaded after trying again")
}
