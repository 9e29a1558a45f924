package e2e

// The installed app offline: every page of the app opens with the
// network gone and says so; changes are off while it is gone; the page
// loads by itself when it is back. A load that hangs says so, with Try
// again.

import (
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// installed waits until the service worker holds the app and controls
// the page, as on a phone that installed it.
func (s *session) installed() {
	s.t.Helper()
	_, err := s.page.Evaluate(`navigator.serviceWorker.ready.then(() => true)`)
	check(s.t, err, "service worker installed")
	_, err = s.page.WaitForFunction(`async () => navigator.serviceWorker.controller !== null &&
		(await caches.keys()).some(k => k.startsWith("app-")) && (await caches.match("/")) !== undefined`, nil)
	check(s.t, err, "the app in the service worker's cache")
}

func TestOfflineEveryPageOpens(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		s.installed()
		banner := s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "You are offline."})

		// A page with its data, then the network goes: changes are off,
		// what was typed stays; it comes back: they are on again.
		s.visit(editorPath(trailhead))
		check(t, expect.Locator(s.heading("Attributes of Trailhead Hikers")).ToBeVisible(), "editor")
		value := s.page.GetByLabel("Value of row 1")
		check(t, value.Fill("typed before the network went"), "edit")
		check(t, s.ctx.SetOffline(true), "the network goes")
		check(t, expect.Locator(banner).ToBeVisible(), "says it is offline")
		check(t, expect.Locator(s.button("Review and save")).ToBeDisabled(), "no change while offline")
		check(t, expect.Locator(value).ToBeDisabled(), "no edit while offline")
		check(t, expect.Locator(value).ToHaveValue("typed before the network went"), "the edit stays")
		s.axeScan("editor offline")
		check(t, s.ctx.SetOffline(false), "the network is back")
		check(t, expect.Locator(banner).ToHaveCount(0), "online again")
		check(t, expect.Locator(s.button("Review and save")).ToBeEnabled(), "changes on again")
		s.page.OnDialog(func(dl playwright.Dialog) { _ = dl.Accept() }) // leave the edit

		// Each page opened (reloaded) offline, as from the home screen.
		check(t, s.ctx.SetOffline(true), "the network goes")
		for _, c := range []struct{ path, heading string }{
			{"/groups", "Group attributes"},
			{editorPath(trailhead), "Attributes of Trailhead Hikers"}, // as last loaded (TestOfflineShowsWhatItLastLoaded)
			{friendListsPath("alice"), "Friend lists of alice"},
		} {
			s.visit(c.path)
			check(t, expect.Locator(s.heading(c.heading)).ToBeVisible(), c.path+": the page opens")
			check(t, expect.Locator(banner).ToBeVisible(), c.path+": says it is offline")
		}
		check(t, expect.Locator(s.page.GetByRole("alert").Filter(playwright.LocatorFilterOptions{HasText: "could not reach its server"})).ToBeVisible(), "the load failed")
		s.axeScan("friend lists opened offline")

		// The network is back: the page loads by itself.
		check(t, s.ctx.SetOffline(false), "the network is back")
		check(t, expect.Locator(s.heading("Friend lists of Alice Walker · alice")).ToBeVisible(), "loaded by itself")
		check(t, expect.Locator(banner).ToHaveCount(0), "online again")
		check(t, expect.Locator(s.page.GetByText("Signed in as moderator")).ToBeVisible(), "the session asked again")
		s.noErrorsExcept("Failed to load resource: net::ERR_")
	})
}

// A page's load that gets no answer says so after ten seconds, with Try
// again, which loads it; a change that gets no answer says so too, and
// its answer is shown when it comes.
func TestHangingLoadSaysSo(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		// The page's own requests, routed: a service worker's fetch would
		// pass by the route.
		d.opts.ServiceWorkers = playwright.ServiceWorkerPolicyBlock
		s := open(t, d)
		s.signIn("moderator")
		// The first read of her lists is never answered; any after it is.
		// A change waits until the test lets it through.
		var reads atomic.Int32
		held := make(chan playwright.Route, 1)
		hang := func(r playwright.Route) {
			switch {
			case r.Request().Method() != "GET":
				held <- r
			case reads.Add(1) > 1:
				_ = r.Continue()
			}
		}
		check(t, s.page.Route("**/api/v1/users/alice/friend-lists", hang), "a request that hangs")
		s.visit(friendListsPath("alice"))
		slow := s.page.GetByRole("alert").Filter(playwright.LocatorFilterOptions{HasText: "The server has not answered for 10 seconds"})
		check(t, expect.Locator(slow).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "says it hangs")
		check(t, expect.Locator(s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "Loading"})).ToBeVisible(), "still waiting")
		s.axeScan("a load that hangs")
		check(t, slow.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Try again"}).Click(), "try again")
		check(t, expect.Locator(s.heading("Friend lists of Alice Walker · alice")).ToBeVisible(), "loaded")
		check(t, expect.Locator(slow).ToHaveCount(0), "no longer slow")

		// A change with no answer: said on the page while it waits; its
		// answer, when it comes, is shown.
		list := "Hang " + d.name
		create := s.region("Create friend lists")
		check(t, create.GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(list), "a new list's name")
		check(t, roleButton(create, "Create the list").Click(), "create")
		waiting := s.page.GetByRole("alert").Filter(playwright.LocatorFilterOptions{HasText: "A change has had no answer from the server for 10 seconds"})
		check(t, expect.Locator(waiting).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "says the change hangs")
		s.axeScan("a change that hangs")
		check(t, (<-held).Continue(), "the answer comes")
		check(t, expect.Locator(s.region(list)).ToBeVisible(), "made")
		check(t, expect.Locator(waiting).ToHaveCount(0), "no longer waiting")
		check(t, s.page.Unroute("**/api/v1/users/alice/friend-lists"), "the server as it is")
		if st := s.call("DELETE", "/api/v1/users/alice/friend-lists", map[string]any{"names": []string{list}}); st != 200 {
			t.Fatalf("clean up %s: %d", list, st)
		}
		s.noErrorsExcept("service worker registration failed")
	})
}

// noErrorsExcept is noErrors but for the errors that hold one of the
// texts given: Chromium logs each request it could not send
// ("Failed to load resource: net::ERR_…") as an error, and go-app the
// registration of a service worker the context blocks.
func (s *session) noErrorsExcept(texts ...string) {
	s.t.Helper()
	s.mu.Lock()
	kept := s.errors[:0]
	for _, e := range s.errors {
		expected := false
		for _, t := range texts {
			expected = expected || strings.Contains(e, t)
		}
		if !expected {
			kept = append(kept, e)
		}
	}
	s.errors = kept
	s.mu.Unlock()
	s.noErrors()
}

// keptKeys are the local storage keys of the answers kept for reading
// offline (app/kept.go), and the account noted as signed in.
func (s *session) keptKeys() (keys []string, account any) {
	s.t.Helper()
	v, err := s.page.Evaluate(`() => [Object.keys(localStorage).filter(k => k.startsWith("imdesk.kept ")).sort(), JSON.parse(localStorage.getItem("imdesk.account"))]`)
	check(s.t, err, "read local storage")
	pair, _ := v.([]any)
	for _, k := range pair[0].([]any) {
		keys = append(keys, k.(string))
	}
	return keys, pair[1]
}

// A page opened again offline shows what it last loaded on this device,
// says when that was and that it may be out of date, and changes nothing;
// when the network is back the note goes and the page loads again. What
// another account kept goes when this one is seen signed in, and
// everything kept goes at sign-out.
func TestOfflineShowsWhatItLastLoaded(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		s.installed()
		kept := s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: regexp.MustCompile(`^Offline — shown as last loaded at (\d\d:\d\d|\d{4}-\d\d-\d\d \d\d:\d\d), may be out of date\.$`)})
		failed := s.page.GetByRole("alert").Filter(playwright.LocatorFilterOptions{HasText: "could not reach its server"})
		offlineBanner := s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "You are offline."})
		pages := []struct {
			path, heading string
			data          func() playwright.Locator // what the page loaded
			change        string                    // a button that changes something, if the page has one always
		}{
			{"/groups?query=_trailhead", "Group attributes", func() playwright.Locator {
				return s.page.Locator(".group-item").GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Trailhead Hikers"})
			}, "Find"},
			{editorPath(trailhead), "Attributes of Trailhead Hikers", func() playwright.Locator { return s.page.GetByLabel("Value of row 1") }, "Review and save"},
			{convGroupsPath("alice"), "Conversation groups of Alice Walker · alice", func() playwright.Locator {
				return s.region("Create a conversation group")
			}, "Create group"},
			{friendListsPath("alice"), "Friend lists of Alice Walker · alice", func() playwright.Locator { return s.region("Create friend lists") }, "Create the list"},
			{"/audit", "Audit log", func() playwright.Locator {
				return s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "Signed in"}).First()
			}, ""},
		}

		// Online, each page once: its answers are kept for this account.
		values := map[string]string{}
		for _, p := range pages {
			s.visit(p.path)
			check(t, expect.Locator(s.heading(p.heading)).ToBeVisible(), p.path+": online")
			s.loaded(p.path)
			check(t, expect.Locator(p.data()).ToBeVisible(), p.path+": its data")
			if p.path == editorPath(trailhead) {
				v, err := p.data().InputValue()
				check(t, err, "row 1's value")
				values[p.path] = v
			}
			check(t, expect.Locator(kept).ToHaveCount(0), p.path+": no note online")
		}
		keys, account := s.keptKeys()
		if account != "moderator" || len(keys) < len(pages) {
			t.Fatalf("kept online: account %v, keys %q", account, keys)
		}
		for _, k := range keys {
			if !strings.HasPrefix(k, "imdesk.kept moderator /api/v1/") {
				t.Errorf("kept under another account or path: %q", k)
			}
		}
		// Nothing secret is kept: no session, no token.
		v, err := s.page.Evaluate(`() => Object.keys(localStorage).filter(k => k.startsWith("imdesk.kept ")).map(k => k + localStorage.getItem(k)).join("\n")`)
		check(t, err, "kept answers")
		if all := v.(string); strings.Contains(all, "/api/v1/session") || strings.Contains(strings.ToLower(all), "token") {
			t.Errorf("something secret kept: %.300s", all)
		}

		// Offline, each page opened again: what it last loaded, the note,
		// no change.
		check(t, s.ctx.SetOffline(true), "the network goes")
		for _, p := range pages {
			s.visit(p.path)
			check(t, expect.Locator(s.heading(p.heading)).ToBeVisible(), p.path+": opens offline")
			check(t, expect.Locator(offlineBanner).ToBeVisible(), p.path+": says it is offline")
			check(t, expect.Locator(kept).ToBeVisible(), p.path+": says it shows what it last loaded")
			check(t, expect.Locator(p.data()).ToBeVisible(), p.path+": what it last loaded")
			check(t, expect.Locator(failed).ToHaveCount(0), p.path+": not a failure")
			check(t, expect.Locator(s.page.Locator("fieldset.offline-lock[disabled]")).ToHaveCount(1), p.path+": the page's controls are off")
			if p.change != "" {
				check(t, expect.Locator(s.button(p.change)).ToBeDisabled(), p.path+": no change offline")
			}
			if want, ok := values[p.path]; ok {
				check(t, expect.Locator(p.data()).ToHaveValue(want), p.path+": the value it last loaded")
				s.axeScan("editor as last loaded, offline")
			}
		}
		s.axeScan("audit log as last loaded, offline")

		// A page never loaded on this device: nothing to show, the failure.
		s.visit(friendListsPath("bob"))
		check(t, expect.Locator(failed).ToBeVisible(), "never loaded: the failure")
		check(t, expect.Locator(kept).ToHaveCount(0), "never loaded: no note")

		// Back online: the note goes and the page loads again.
		s.visit("/audit")
		check(t, expect.Locator(kept).ToBeVisible(), "the audit log as last loaded")
		check(t, s.ctx.SetOffline(false), "the network is back")
		check(t, expect.Locator(offlineBanner).ToHaveCount(0), "online again")
		check(t, expect.Locator(kept).ToHaveCount(0), "the note goes")
		check(t, expect.Locator(failed).ToHaveCount(0), "loaded, not failed")
		check(t, expect.Locator(pages[4].data()).ToBeVisible(), "loaded again")
		check(t, expect.Locator(s.page.Locator("fieldset.offline-lock:not([disabled])")).ToHaveCount(1), "changes on again")
		check(t, expect.Locator(s.page.GetByText("Signed in as moderator")).ToBeVisible(), "the session asked again")

		// What another account kept on this device goes when this one is
		// seen signed in.
		_, err = s.page.Evaluate(`() => localStorage.setItem("imdesk.kept viewer /api/v1/groups?", JSON.stringify({at: new Date().toISOString(), body: "{}"}))`)
		check(t, err, "another account's answer")
		s.visit("/groups")
		check(t, expect.Locator(s.page.GetByText("Signed in as moderator")).ToBeVisible(), "signed in")
		keys, _ = s.keptKeys()
		for _, k := range keys {
			if strings.HasPrefix(k, "imdesk.kept viewer ") {
				t.Errorf("another account's answer kept: %q", k)
			}
		}

		// Signed out: nothing of the account stays.
		check(t, s.button("Sign out").Click(), "sign out")
		check(t, expect.Locator(s.heading("Sign in to imdesk")).ToBeVisible(), "signed out")
		if keys, account := s.keptKeys(); len(keys) > 0 || account != nil {
			t.Errorf("kept after sign-out: account %v, keys %q", account, keys)
		}
		// Nor in the service worker's cache, which never holds the API's
		// answers.
		v, err = s.page.Evaluate(`async () => (await Promise.all((await caches.keys()).map(async k =>
			(await (await caches.open(k)).keys()).map(r => r.url)))).flat().filter(u => u.includes("/api/"))`)
		check(t, err, "the worker's cache")
		if l, _ := v.([]any); len(l) > 0 {
			t.Errorf("API answers in the worker's cache: %v", l)
		}
		s.noErrorsExcept("Failed to load resource: net::ERR_")
	})
}
