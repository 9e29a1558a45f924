package e2e

import (
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// holdApp keeps app.wasm from loading until the returned function is
// called: the page stays the server-rendered one, as on a slow phone.
func (s *session) holdApp() (release func()) {
	s.t.Helper()
	gate := make(chan struct{})
	err := s.page.Route("**/web/app.wasm*", func(r playwright.Route) {
		go func() { <-gate; _ = r.Continue() }()
	})
	check(s.t, err, "hold app.wasm")
	return func() { close(gate) }
}

// What a person types into the server-rendered page before the app has
// taken over is still there afterwards, and is what the app uses: the
// sign-in form signs in with it, the finder searches with it.
func TestTypedBeforeTheAppStartsIsKept(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		release := s.holdApp()
		if _, err := s.page.Goto("/signin"); err != nil {
			t.Fatalf("goto: %v", err)
		}
		check(t, expect.Locator(s.heading("Sign in to imdesk")).ToBeVisible(), "the server-rendered form")
		if n, _ := s.page.Locator(`html[data-imdesk="ready"]`).Count(); n != 0 {
			t.Fatal("the app started although app.wasm was held")
		}
		password := s.panel.passwords["moderator"]
		check(t, s.page.GetByLabel("Account name").PressSequentially("moderator"), "type the name early")
		check(t, s.page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).PressSequentially(password), "type the password early")
		release()
		s.waitLive()
		check(t, expect.Locator(s.page.GetByLabel("Account name")).ToHaveValue("moderator"), "the name survived")
		check(t, expect.Locator(s.page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToHaveValue(password), "the password survived")
		check(t, expect.Locator(s.page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToBeFocused(), "the focus stayed")
		check(t, s.button("Sign in").Click(), "sign in with what was typed")
		check(t, expect.Locator(s.page.GetByText("Signed in as moderator")).ToBeVisible(), "signed in")

		// The finder, on a fresh load with the app held again.
		check(t, s.page.Unroute("**/web/app.wasm*"), "unroute")
		release = s.holdApp()
		if _, err := s.page.Goto("/groups"); err != nil {
			t.Fatalf("goto: %v", err)
		}
		check(t, s.page.GetByLabel("Group ID or name").PressSequentially("trail"), "type a search early")
		release()
		s.waitLive()
		check(t, expect.Locator(s.page.GetByLabel("Group ID or name")).ToHaveValue("trail"), "the search survived")
		check(t, s.button("Find").Click(), "find")
		check(t, expect.Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Trailhead Hikers"})).ToBeVisible(), "found")
		s.noErrors()
	})
}
