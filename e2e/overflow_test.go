package e2e

// No page scrolls sideways on a phone, in any language (the walk: "check
// every page for sideways overflow in every language at 360 px").

import (
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// everyPage is every page of the app as an administrator sees it, with
// its data: each section, an open group, a user's pages, a member's
// profile, and the pages only an administrator has.
var everyPage = []string{
	"/",
	"/groups?query=_trailhead",
	editorPath(trailhead),
	membersPath(trailhead),
	membersPath(trailhead) + "&member=bob",
	"/conversation-groups",
	convGroupsPath("alice"),
	"/friend-lists",
	friendListsPath("alice"),
	"/bulk-changes",
	"/audit",
	"/accounts",
	"/health",
	"/password",
}

// overflowing names the innermost elements that reach past the right edge of the
// page, outside any box that scrolls or clips them on purpose (a wide
// table in its own scroller): the page's html and body hide what is past
// the edge (overflow-x: hidden), so it would be cut off rather than
// scroll.
func (s *session) overflowing() []any {
	v, err := s.page.Evaluate(`() => { const w = document.documentElement.clientWidth;
	  const held = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
	    if (getComputedStyle(a).overflowX !== "visible" && a.getBoundingClientRect().right <= w + 1) return true; } return false; };
	  const past = new Set([...document.querySelectorAll("body *")].filter(e => { const r = e.getBoundingClientRect();
	      return r.width > 1 && r.height > 1 && r.right > w + 1 && !held(e); }));
	  return [...past].filter(e => ![...e.children].some(c => past.has(c))).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
	      (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "") +
	      " to " + Math.round(e.getBoundingClientRect().right) + "px: " + (e.textContent || "").trim().slice(0, 40)); }`)
	check(s.t, err, "find what overflows")
	l, _ := v.([]any)
	return l
}

// Every page, in each of the four languages, at 360 × 740, and in
// English on a desktop: no sideways scroll, nothing cut off at the right
// edge, and the accessibility scan.
// One browser context per language, the language the browser's.
func TestNoSidewaysScrollInAnyLanguage(t *testing.T) {
	for _, c := range []struct {
		lang string
		d    device
	}{{"en", phone}, {"zh-Hans", phone}, {"ja", phone}, {"ko", phone}, {"en", desktop}} {
		t.Run(c.d.name+"-"+c.lang, func(t *testing.T) { everyPageFits(t, c.d, c.lang) })
	}
}

// everyPageFits visits every page on d in lang.
func everyPageFits(t *testing.T, d device, lang string) {
	c := catalogue(t, lang)
	d.opts.Locale = playwright.String(map[string]string{"en": "en-US", "zh-Hans": "zh-CN", "ja": "ja-JP", "ko": "ko-KR"}[lang])
	s := open(t, d)
	fits := func(what string) {
		t.Helper()
		wide, err := s.page.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`)
		check(t, err, "measure")
		if past := s.overflowing(); wide != false || len(past) > 0 {
			t.Errorf("%s is wider than the screen (scrolls sideways: %v); past the edge: %q", what, wide, past)
		}
	}
	s.visit("/signin")
	check(t, expect.Locator(s.heading(c["SignInTitle"])).ToBeVisible(), "sign-in in "+lang)
	fits(lang + " /signin")
	s.axeScan(lang + " /signin")
	s.fillSignInIn(c, "admin", s.panel.passwords["admin"])
	check(t, expect.Locator(s.heading(c["HomeTitle"])).ToBeVisible(), "home in "+lang)
	for _, path := range everyPage {
		s.visit(path)
		check(t, expect.Locator(s.page.Locator("h1").First()).ToBeVisible(), lang+" "+path+": the page")
		check(t, expect.Locator(s.page.Locator(".loading")).ToHaveCount(0), lang+" "+path+": loaded")
		check(t, expect.Locator(s.page.Locator(".alert-error")).ToHaveCount(0), lang+" "+path+": no failure")
		fits(lang + " " + path)
		s.axeScan(lang + " " + path)
	}
	s.noErrors()
}
