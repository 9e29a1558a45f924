package e2e

import (
	"math"
	"strings"
	"sync"
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

// boxes are where the elements are on the screen, to see that the page
// does not jump when the app takes over.
func boxes(t *testing.T, ls ...playwright.Locator) []playwright.Rect {
	t.Helper()
	out := make([]playwright.Rect, len(ls))
	for i, l := range ls {
		b, err := l.BoundingBox()
		check(t, err, "where the element is")
		out[i] = *b
	}
	return out
}

// stayedPut fails when an element moved by more than half a pixel between
// before and after.
func stayedPut(t *testing.T, what string, before, after []playwright.Rect) {
	t.Helper()
	for i := range before {
		b, a := before[i], after[i]
		if math.Abs(b.X-a.X) > 0.5 || math.Abs(b.Y-a.Y) > 0.5 || math.Abs(b.Width-a.Width) > 0.5 || math.Abs(b.Height-a.Height) > 0.5 {
			t.Errorf("%s: element %d moved when the app took over: %+v before, %+v after", what, i, b, a)
		}
	}
}

// What a person types into the server-rendered page before the app has
// taken over is still there afterwards, and is what the app uses: the
// sign-in form signs in with it, the finder searches with it. Nothing on
// the page moves when the app takes over.
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
		form := []playwright.Locator{s.heading("Sign in to imdesk"), s.page.GetByLabel("Account name"),
			s.page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}), s.button("Sign in")}
		before := boxes(t, form...)
		release()
		s.waitLive()
		stayedPut(t, "the sign-in form", before, boxes(t, form...))
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
		finder := []playwright.Locator{s.heading("Group attributes"), s.page.GetByLabel("Group ID or name"), s.button("Find")}
		before = boxes(t, finder...)
		release()
		s.waitLive()
		check(t, expect.Locator(s.page.GetByText("Signed in as moderator")).ToBeVisible(), "the account is shown")
		stayedPut(t, "the finder", before, boxes(t, finder...))
		check(t, expect.Locator(s.page.GetByLabel("Group ID or name")).ToHaveValue("trail"), "the search survived")
		check(t, s.button("Find").Click(), "find")
		check(t, expect.Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Trailhead Hikers"})).ToBeVisible(), "found")
		s.noErrors()
	})
}

// A first visit downloads app.wasm once: the page asks for it with a
// preload from its first bytes, and the boot script's fetch, which feeds
// the compiler, must be given that same download, not start a second one
// (on a phone's network, another 1.5 MB).
func TestFirstVisitDownloadsTheAppOnce(t *testing.T) {
	s := open(t, desktop)
	var mu sync.Mutex
	var asked []string
	s.page.OnRequest(func(r playwright.Request) {
		if strings.HasSuffix(r.URL(), "/web/app.wasm") {
			mu.Lock()
			asked = append(asked, r.ResourceType())
			mu.Unlock()
		}
	})
	s.visit("/signin")
	check(t, expect.Locator(s.page.GetByLabel("Account name")).ToBeEditable(), "the app's sign-in form")
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 1 {
		t.Errorf("app.wasm was downloaded %d times by the page (%v), want once", len(asked), asked)
	}
	s.noErrors()
}
