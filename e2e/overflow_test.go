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

// overflowing names the elements that reach past the right edge of the
// page, for the failure's message.
func (s *session) overflowing() any {
	v, err := s.page.Evaluate(`() => { const w = document.documentElement.clientWidth;
	  return [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w + 1 && e.getClientRects().length)
	    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "") + " " + Math.round(e.getBoundingClientRect().right) + "px"); }`)
	check(s.t, err, "find what overflows")
	return v
}

// Every page, in each of the four languages, at 360 × 740: no sideways
// scroll, and the accessibility scan. One browser context per language,
// the language the browser's.
func TestNoSidewaysScrollInAnyLanguage(t *testing.T) {
	for _, lang := range []string{"en", "zh-Hans", "ja", "ko"} {
		t.Run(lang, func(t *testing.T) {
			c := catalogue(t, lang)
			d := phone
			d.opts.Locale = playwright.String(map[string]string{"en": "en-US", "zh-Hans": "zh-CN", "ja": "ja-JP", "ko": "ko-KR"}[lang])
			s := open(t, d)
			s.visit("/signin")
			check(t, expect.Locator(s.heading(c["SignInTitle"])).ToBeVisible(), "sign-in in "+lang)
			s.noSidewaysScroll(lang + " /signin")
			s.axeScan(lang + " /signin")
			s.fillSignInIn(c, "admin", s.panel.passwords["admin"])
			check(t, expect.Locator(s.heading(c["HomeTitle"])).ToBeVisible(), "home in "+lang)
			for _, path := range everyPage {
				s.visit(path)
				check(t, expect.Locator(s.page.Locator("h1").First()).ToBeVisible(), lang+" "+path+": the page")
				check(t, expect.Locator(s.page.Locator(".loading")).ToHaveCount(0), lang+" "+path+": loaded")
				check(t, expect.Locator(s.page.Locator(".alert-error")).ToHaveCount(0), lang+" "+path+": no failure")
				if s.noSidewaysScroll(lang + " " + path); t.Failed() {
					t.Logf("%s %s: past the edge: %v", lang, path, s.overflowing())
				}
				s.axeScan(lang + " " + path)
			}
			s.noErrors()
		})
	}
}
