package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// The shell loads, the WebAssembly app starts, and nothing is logged as an
// error, at both sizes.
func TestShellLoads(t *testing.T) {
	ownPanelsOnly(t)
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("viewer")
		check(t, expect.Page(s.page).ToHaveTitle("imdesk"), "title")
		check(t, expect.Locator(s.page.GetByRole("heading", playwright.PageGetByRoleOptions{
			Name: "What would you like to change?", Level: playwright.Int(1)})).ToBeVisible(), "home heading")
		demo := s.page.GetByRole("note")
		check(t, expect.Locator(demo).ToBeVisible(), "demo banner")
		check(t, expect.Locator(demo).ToContainText("changes go to a simulator"), "demo banner says so")
		nav := s.page.GetByRole("navigation", playwright.PageGetByRoleOptions{Name: "Main"})
		for _, name := range []string{"Group attributes", "Conversation groups", "Friend lists", "Audit log"} {
			check(t, expect.Locator(nav.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: name})).ToBeVisible(), "nav link "+name)
		}
		// Nothing may force horizontal scrolling, on a phone least of all.
		overflow, err := s.page.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`)
		check(t, err, "measure width")
		if overflow != false {
			t.Errorf("the page scrolls horizontally at %s size", d.name)
		}
		s.noErrors()
	})
}

// On a phone, tapping a navigation link opens that page in the running app.
func TestPhoneNavigation(t *testing.T) {
	s := open(t, phone)
	s.signIn("viewer")
	nav := s.page.GetByRole("navigation", playwright.PageGetByRoleOptions{Name: "Main"})
	for _, c := range []struct{ link, path string }{
		{"Audit log", "/audit"},
		{"Friend lists", "/friend-lists"},
		{"Conversation groups", "/conversation-groups"},
		{"Group attributes", "/groups"},
	} {
		link := nav.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: c.link})
		check(t, link.Tap(), "tap "+c.link)
		check(t, expect.Page(s.page).ToHaveURL(suite.baseURL+c.path), "url after tapping "+c.link)
		check(t, expect.Locator(s.page.GetByRole("heading", playwright.PageGetByRoleOptions{
			Name: c.link, Level: playwright.Int(1)})).ToBeVisible(), "heading of "+c.link)
		check(t, expect.Locator(link).ToHaveAttribute("aria-current", "page"), "current link "+c.link)
		box, err := link.BoundingBox()
		check(t, err, "link size")
		if box.Height < 44 {
			t.Errorf("link %q is %.0f px high; touch targets need at least 44", c.link, box.Height)
		}
	}
	s.noErrors()
}

// The service worker registers and takes control, which makes the app
// installable and usable offline.
func TestServiceWorkerRegisters(t *testing.T) {
	s := open(t, desktop)
	s.visit("/signin")
	active, err := s.page.Evaluate(`navigator.serviceWorker.ready.then(r => r.active !== null && r.active.scriptURL)`)
	check(t, err, "service worker ready")
	if url, _ := active.(string); !strings.HasSuffix(url, "/app-worker.js") {
		t.Fatalf("active service worker = %v, want …/app-worker.js", active)
	}
	s.noErrors()
}

// The manifest names the app and lists our icons, each of which is served
// with the right type.
func TestManifestAndIcons(t *testing.T) {
	resp, body := httpGet(t, "/manifest.webmanifest", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("manifest: %s", resp.Status)
	}
	var m struct {
		Name        string `json:"name"`
		ShortName   string `json:"short_name"`
		Description string `json:"description"`
		StartURL    string `json:"start_url"`
		Display     string `json:"display"`
		ThemeColor  string `json:"theme_color"`
		Icons       []struct {
			Src     string `json:"src"`
			Type    string `json:"type"`
			Sizes   string `json:"sizes"`
			Purpose string `json:"purpose"`
		} `json:"icons"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("manifest is not JSON: %v", err)
	}
	if m.ShortName != "imdesk" || !strings.Contains(m.Name, "imdesk") || m.Description == "" ||
		m.StartURL != "/" || m.Display != "standalone" || m.ThemeColor != "#1d4f91" {
		t.Errorf("manifest fields: %s", body)
	}
	want := map[string]string{ // sizes+purpose → type
		"192x192":          "image/png",
		"512x512":          "image/png",
		"512x512 maskable": "image/png",
		"any":              "image/svg+xml",
	}
	for _, icon := range m.Icons {
		key := strings.TrimSpace(icon.Sizes + " " + icon.Purpose)
		if want[key] != icon.Type {
			t.Errorf("unexpected icon %+v", icon)
			continue
		}
		delete(want, key)
		if !strings.HasPrefix(icon.Src, "/web/") {
			t.Errorf("icon %s is not one of ours", icon.Src)
		}
		r, b := httpGet(t, icon.Src, "")
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != icon.Type || len(b) == 0 {
			t.Errorf("icon %s: %s, %q, %d bytes", icon.Src, r.Status, r.Header.Get("Content-Type"), len(b))
		}
	}
	if len(want) > 0 {
		t.Errorf("manifest lacks icons %v", want)
	}
}

// app.wasm is served pre-compressed according to Accept-Encoding.
func TestWasmServedCompressed(t *testing.T) {
	_, identity := httpGet(t, "/web/app.wasm", "identity")
	if len(identity) < 1000 || string(identity[:4]) != "\x00asm" {
		t.Fatalf("uncompressed app.wasm is not WebAssembly (%d bytes)", len(identity))
	}
	for _, c := range []struct{ accept, encoding string }{
		{"gzip, deflate, br", "br"},
		{"gzip", "gzip"},
		{"br;q=0, gzip", "gzip"},
		{"", ""},
	} {
		resp, body := httpGet(t, "/web/app.wasm", c.accept)
		if got := resp.Header.Get("Content-Encoding"); got != c.encoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, got, c.encoding)
		}
		if resp.Header.Get("Content-Type") != "application/wasm" {
			t.Errorf("Accept-Encoding %q: Content-Type %q", c.accept, resp.Header.Get("Content-Type"))
		}
		if c.encoding != "" && len(body) >= len(identity) {
			t.Errorf("%s body is %d bytes, not smaller than %d", c.encoding, len(body), len(identity))
		}
	}
}
