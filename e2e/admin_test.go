package e2e

import (
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// An admin, on a laptop and on a phone, adds a moderator with a scope picked
// from the group finder; the moderator signs in with the one-time password,
// must set their own, and sees only their scope; the admin narrows the scope
// and the moderator's next request is refused; the admin disables the
// account and the moderator's open page is signed out at its next request;
// the last admin cannot demote themselves; the moderator's API calls to the
// admin's endpoints are refused.
func TestAdminManagesAModerator(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		name := "mei-" + d.name
		admin := open(t, d)
		admin.signIn("admin")
		check(t, admin.page.GetByRole("navigation", playwright.PageGetByRoleOptions{Name: "Main"}).
			GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Accounts"}).Click(), "open accounts")
		check(t, expect.Locator(admin.heading("Panel accounts")).ToBeVisible(), "accounts heading")
		admin.axeScan("accounts page")

		// Add: name, role, a group picked from the finder.
		admin.fillNewModerator(name)
		groups := admin.page.GetByRole("list", playwright.PageGetByRoleOptions{Name: "Groups (their attributes)"})
		check(t, expect.Locator(groups).ToContainText("@TGS#_trailhead"), "group in the scope")
		check(t, admin.button("Add the account").Click(), "create")
		dialog := admin.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: "The one-time password for " + name})
		check(t, expect.Locator(dialog).ToBeVisible(), "one-time password shown")
		password, err := dialog.Locator("#one-time-password").TextContent()
		check(t, err, "read the password")
		check(t, dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "I have passed it on"}).Click(), "close")
		card := admin.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: name})
		check(t, expect.Locator(card).ToContainText("1 group"), "scope in words")
		check(t, expect.Locator(card).ToContainText("Must set a new password"), "one-time state shown")

		// The moderator: one-time password, then their own.
		mod := atSignIn(t, d)
		mod.fillSignIn(name, password)
		check(t, expect.Locator(mod.heading("Your password")).ToBeVisible(), "sent to set a password")
		own := "mei's own long password " + d.name
		// It says which password it wants, and the rule in characters.
		check(t, mod.page.GetByLabel("One-time password (the one you signed in with)").Fill(password), "the one-time password")
		check(t, expect.Locator(mod.page.GetByText("12 to 72 letters, digits or signs; a Chinese, Japanese or Korean character counts as 3.")).ToBeVisible(), "the rule in characters")
		check(t, mod.page.GetByLabel("New password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(own), "new")
		check(t, mod.page.GetByLabel("New password again").Fill(own), "repeat")
		check(t, mod.button("Set my password").Click(), "set")
		check(t, expect.Page(mod.page).ToHaveURL(regexp.MustCompile(`/$`)), "home after the password")
		mod.visit("/groups")
		check(t, expect.Locator(mod.page.GetByText("1 group found")).ToBeVisible(), "only the scope")
		check(t, mod.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Trailhead Hikers"}).Click(), "open the group")
		check(t, expect.Locator(mod.heading("Attributes of Trailhead Hikers")).ToBeVisible(), "editor")
		if status := mod.apiStatus("GET", "/api/v1/accounts"); status != 403 {
			t.Fatalf("a moderator calling the admin API: %d, want 403", status)
		}

		// The admin narrows the scope: the moderator's next request is refused.
		check(t, admin.button("Change "+name).Click(), "change the account")
		check(t, admin.button("Remove Trailhead Hikers · @TGS#_trailhead").Click(), "remove the group")
		check(t, admin.button("Save changes").Click(), "save")
		check(t, expect.Locator(admin.page.GetByText("Saved. "+name+"'s next request follows these settings.")).ToBeVisible(), "saved")
		mod.page.Reload()
		mod.waitLive()
		check(t, expect.Locator(mod.page.GetByText("does not have access to this group")).ToBeVisible(), "refused after narrowing")

		// Disabled: the open page is signed out at its next request.
		check(t, admin.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Disable: " + name}).Click(), "disable")
		confirm := admin.page.GetByRole("dialog")
		check(t, expect.Locator(confirm).ToContainText("signed out at once"), "asked first")
		check(t, confirm.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Disable"}).Click(), "confirm")
		check(t, expect.Locator(card).ToContainText("Disabled"), "shown disabled")
		check(t, mod.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Audit log"}).First().Click(), "the moderator goes on")
		check(t, expect.Locator(mod.heading("Sign in to imdesk")).ToBeVisible(), "signed out")

		admin.noErrors()
		// The last admin cannot demote themselves (the refusal is a 409,
		// which the browser logs).
		check(t, admin.button("Change admin").Click(), "change own account")
		selectOption(t, admin.page.GetByLabel("Role"), "viewer")
		check(t, admin.button("Save changes").Click(), "save")
		check(t, expect.Locator(admin.page.GetByRole("alert")).ToContainText("last enabled admin"), "refused")
	})
}

// The scope's chips name each group as the admin knows it — its name and
// its ID — when it was just picked by name, and when an existing account
// is opened to be changed.
func TestScopeChipsNameTheGroups(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		name := "chips-" + d.name
		admin := openAt(t, d, "admin", "/accounts")
		check(t, admin.button("Add an account").Click(), "add an account")
		check(t, admin.page.GetByLabel("Account name").Fill(name), "name")
		selectOption(t, admin.page.GetByLabel("Role"), "moderator")
		find := func(text string) {
			t.Helper()
			check(t, admin.page.GetByLabel("Find a group to add").Fill(text), "find "+text)
			check(t, admin.button("Find").Click(), "find")
		}
		find("Trailhead")
		check(t, admin.button("Add Trailhead Hikers").Click(), "add the group")
		find("摄影")
		check(t, admin.button("Add members of Photography Club 摄影社").Click(), "add its members")
		groups := admin.page.GetByRole("list", playwright.PageGetByRoleOptions{Name: "Groups (their attributes)"})
		members := admin.page.GetByRole("list", playwright.PageGetByRoleOptions{Name: "Members of groups (their conversation groups and friend lists)"})
		chipsName := func(when string) {
			t.Helper()
			check(t, expect.Locator(groups.GetByRole("listitem")).ToHaveText([]string{"Trailhead Hikers · @TGS#_trailhead×"}), when+": the group by name and ID")
			check(t, expect.Locator(members.GetByRole("listitem")).ToHaveText([]string{"Photography Club 摄影社 · @TGS#2J4SZEAEL×"}), when+": the members' group by name and ID")
			check(t, expect.Locator(admin.button("Remove Trailhead Hikers · @TGS#_trailhead")).ToBeVisible(), when+": the remove button says which")
		}
		chipsName("picked")
		admin.axeScan("scope chips")
		check(t, admin.button("Add the account").Click(), "create")
		dialog := admin.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: "The one-time password for " + name})
		check(t, dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "I have passed it on"}).Click(), "close")

		// Opened again to be changed: the names are looked up.
		admin.page.Reload()
		admin.waitLive()
		check(t, admin.button("Change "+name).Click(), "change the account")
		chipsName("an existing account")
		admin.noErrors()
	})
}

// The health page shows Tencent, the rate limits and the audit log, and
// verifies the log on request.
func TestAdminHealth(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := openAt(t, d, "admin", "/health")
		check(t, expect.Locator(s.heading("Panel health")).ToBeVisible(), "heading")
		check(t, expect.Locator(s.page.GetByRole("region", playwright.PageGetByRoleOptions{Name: "Tencent Cloud Chat"})).ToContainText("Answers at http://127.0.0.1"), "reachable")
		check(t, expect.Locator(s.page.GetByRole("region", playwright.PageGetByRoleOptions{Name: "Use of Tencent's rate limits, last 5 minutes"})).
			ToContainText("account_check"), "rate-limit use")
		check(t, expect.Locator(s.page.GetByRole("region", playwright.PageGetByRoleOptions{Name: "The group finder's index"})).
			ToContainText(regexp.MustCompile(`groups indexed`)), "the index's progress")
		check(t, s.button("Verify the audit log now").Click(), "verify")
		check(t, expect.Locator(s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "intact"})).ToBeVisible(), "verified")
		check(t, expect.Locator(s.page.GetByText("This page runs the same version.")).ToBeVisible(), "version")
		s.axeScan("health page")
		s.noErrors()
	})
}

// apiStatus calls the API from the page, with its session, and returns the
// status.
func (s *session) apiStatus(method, path string) int {
	s.t.Helper()
	v, err := s.page.Evaluate(`async ([method, path]) => (await fetch(path, {method})).status`, []string{method, path})
	check(s.t, err, "fetch "+path)
	n, _ := v.(int)
	return n
}

// TestAdminScreenshots photographs the accounts page on a phone, into
// SCREENSHOT_DIR when set (`make screenshots`), else a temporary folder.
func TestAdminScreenshots(t *testing.T) {
	s := open(t, phone)
	s.signIn("admin")
	s.visit("/accounts")
	check(t, expect.Locator(s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "moderator"}).First()).ToBeVisible(), "accounts listed")
	s.photograph("accounts-phone")
}

// A viewer or a moderator who types the address of an administrators'
// page sees what the page is for and what their own account can do — no
// form, no button they cannot use.
func TestAdminPagesForOtherRoles(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		for _, c := range []struct{ role, can string }{
			{"viewer", "Your account is a viewer"},
			{"moderator", "Your account is a moderator"},
		} {
			s := open(t, d)
			s.signIn(c.role)
			for _, path := range []string{"/accounts", "/health"} {
				s.visit(path)
				note := s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "This page is for administrators"})
				check(t, expect.Locator(note).ToContainText(c.can), c.role+" on "+path)
				check(t, expect.Locator(s.button("Add an account")).ToHaveCount(0), "no form for "+c.role)
				check(t, expect.Locator(s.button("Verify the audit log now")).ToHaveCount(0), "no verify for "+c.role)
				check(t, expect.Locator(s.page.GetByRole("alert")).ToHaveCount(0), "not an error")
				s.axeScan(c.role + " on " + path)
			}
			s.noErrorsBut("403")
		}
	})
}

// A new account's card says it never signed in, and not the last sign-in
// of the account whose place it takes in the list (the walk: mei's card
// showed the moderator's time until a reload).
func TestNewAccountNeverSignedIn(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		// The moderator has signed in: a time the new card could show.
		mod := open(t, d)
		mod.signIn("moderator")
		name := "mei-new-" + d.name // listed just before the moderator
		admin := openPage(t, d, "admin", "/accounts", "Panel accounts", "accounts")
		check(t, expect.Locator(admin.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "Last signed in"}).First()).ToBeVisible(), "a card with a sign-in time")

		admin.fillNewModerator(name)
		check(t, admin.button("Add the account").Click(), "create")
		dialog := admin.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: "The one-time password for " + name})
		check(t, dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "I have passed it on"}).Click(), "close")

		card := admin.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: name})
		neverIn := func(when string) {
			t.Helper()
			check(t, expect.Locator(card).ToContainText("Never signed in"), when+": never signed in")
			check(t, expect.Locator(card).Not().ToContainText("Last signed in"), when+": no one's sign-in time")
			check(t, expect.Locator(card).ToContainText("Open sessions: 0"), when+": no session")
		}
		neverIn("added")
		admin.axeScan("a new account's card")
		admin.page.Reload()
		admin.waitLive()
		neverIn("reloaded")
		admin.noErrors()
	})
}

// fillNewModerator fills the accounts page's form for a new account:
// moderator name, with Trailhead Hikers, picked from the group finder,
// in its scope.
func (admin *session) fillNewModerator(name string) {
	t := admin.t
	t.Helper()
	check(t, admin.button("Add an account").Click(), "add an account")
	check(t, admin.page.GetByLabel("Account name").Fill(name), "name")
	selectOption(t, admin.page.GetByLabel("Role"), "moderator")
	check(t, admin.page.GetByLabel("Find a group to add").Fill("Trailhead"), "find a group")
	check(t, admin.button("Find").Click(), "find")
	check(t, admin.button("Add Trailhead Hikers").Click(), "add the group")
}
