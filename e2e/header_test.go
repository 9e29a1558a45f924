package e2e

import (
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// Signing in adds the account's name and Sign out to the header; the
// language menu keeps its size and, on a desktop, the header stays one line.
func TestHeaderKeepsItsSizeAfterSignIn(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := atSignIn(t, d)
		lang := s.page.GetByRole("combobox", playwright.PageGetByRoleOptions{Name: "Language"})
		header := s.page.GetByRole("banner")
		size := func(l playwright.Locator, what string) *playwright.Rect {
			t.Helper()
			b, err := l.BoundingBox()
			check(t, err, what)
			return b
		}
		menu0, header0 := size(lang, "the language menu"), size(header, "the header")
		s.fillSignIn("moderator", s.panel.passwords["moderator"])
		check(t, expect.Locator(s.page.GetByText("Signed in as moderator")).ToBeVisible(), "signed in")
		menu1, header1 := size(lang, "the language menu"), size(header, "the header")
		t.Logf("%s: menu %.0f → %.0f px wide, header %.0f → %.0f px high", d.name, menu0.Width, menu1.Width, header0.Height, header1.Height)
		if menu1.Width > menu0.Width+1 || menu1.Width > 200 {
			t.Errorf("the language menu grew from %.0f to %.0f px", menu0.Width, menu1.Width)
		}
		if d.name == desktop.name && header1.Height > header0.Height+1 {
			t.Errorf("the header grew from %.0f to %.0f px", header0.Height, header1.Height)
		}
		if vw := d.opts.Viewport.Width; menu1.X+menu1.Width > float64(vw) || header1.Width > float64(vw) {
			t.Errorf("the header is wider than the screen (%d px)", vw)
		}
		s.axeScan("header after sign-in")
		s.noErrors()
	})
}
