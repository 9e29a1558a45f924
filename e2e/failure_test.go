package e2e

// A failed save never looks like nothing happened: the error is shown
// where the person is looking, the focus is on it, and the edits stay.

import (
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// The server cannot be reached when the moderator saves: the error is in
// view with the focus on it, and the edits are still in the form.
func TestFailedSaveShownWhereTheEyeIs(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		// The page's own requests, routed: a service worker's fetch would
		// pass by the route.
		d.opts.ServiceWorkers = playwright.ServiceWorkerPolicyBlock
		s := open(t, d)
		s.signIn("moderator")
		s.putAttributes(trailhead, map[string]string{"theme": "Night sky 夜空", "season": "autumn", "rules_url": "https://example.com/rules"})
		s.visit(editorPath(trailhead))
		check(t, expect.Locator(s.heading("Attributes of Trailhead Hikers")).ToBeVisible(), "editor")
		value := s.page.GetByLabel("Value of row 3")
		check(t, value.Fill("not saved: no server"), "edit the last value")

		check(t, s.button("Review and save").Click(), "review")
		// The server out of reach while the browser thinks it is online (a
		// browser that knows it is offline disables changes: offline_test.go).
		unreachable := func(r playwright.Route) { _ = r.Abort() }
		check(t, s.page.Route("**/api/v1/groups/**", unreachable), "the server out of reach")
		check(t, s.button("Save changes to Trailhead Hikers").Click(), "save")

		alert := s.page.GetByRole("alert").Filter(playwright.LocatorFilterOptions{HasText: "could not reach its server"})
		check(t, expect.Locator(alert).ToBeInViewport(), "the error is in view")
		focused := s.page.Locator(":focus")
		check(t, expect.Locator(focused).ToContainText("could not reach its server"), "the focus is on the error")
		check(t, expect.Locator(value).ToHaveValue("not saved: no server"), "the edit stays")
		check(t, expect.Locator(s.button("Review and save")).ToBeEnabled(), "and can be saved again")
		check(t, s.page.Unroute("**/api/v1/groups/**"), "the server back")
		s.axeScan("editor after a failed save")
		s.mu.Lock()
		kept := s.errors[:0]
		for _, e := range s.errors {
			// The save that could not be sent; go-app's registration of the
			// service worker, blocked here.
			if !strings.Contains(e, "net::ERR_") && !strings.Contains(e, "service worker registration failed") {
				kept = append(kept, e)
			}
		}
		s.errors = kept
		s.mu.Unlock()
		s.noErrors()
	})
}
