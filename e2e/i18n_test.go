package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// catalogue reads a language's messages from the repository.
func catalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "server", "i18n", lang+".json"))
	check(t, err, "read catalogue "+lang)
	var m map[string]string
	check(t, json.Unmarshal(b, &m), "parse catalogue "+lang)
	return m
}

// fillSignInIn signs in through the form labelled in catalogue c's
// language.
func (s *session) fillSignInIn(c map[string]string, account, password string) {
	s.t.Helper()
	check(s.t, s.page.GetByLabel(c["Username"]).Fill(account), "account name")
	check(s.t, s.page.GetByLabel(c["Password"], playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(password), "password")
	check(s.t, s.button(c["SignIn"]).Click(), "sign in")
}

// locales are the browser languages a first visit in each language comes
// with.
var locales = map[string]string{"zh-Hans": "zh-CN", "ja": "ja-JP", "ko": "ko-KR"}

// verbSplit cuts a message at its format verbs, to find its fixed words.
var verbSplit = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// englishLeft fails the test when the page shows an English sentence of the
// catalogue that the language translates: in its text, its labels, its
// placeholders and its titles. IDs and user data are not in the catalogue,
// so they do not count.
func (s *session) englishLeft(en, c map[string]string, where string) {
	s.t.Helper()
	v, err := s.page.Evaluate(`() => [document.body.innerText,
	  ...[...document.querySelectorAll('[placeholder],[aria-label],[title]')].flatMap(e => [e.getAttribute('placeholder'), e.getAttribute('aria-label'), e.getAttribute('title')]),
	  document.title].filter(Boolean).join('\n')`)
	check(s.t, err, "read the page")
	text := v.(string)
	for k, sentence := range en {
		if c[k] == sentence || strings.HasPrefix(k, "_") {
			continue // the same in both languages (a name, a symbol)
		}
		for _, part := range verbSplit.Split(sentence, -1) {
			part = strings.TrimSpace(part)
			if len(part) >= 12 && strings.Contains(part, " ") && strings.Contains(text, part) {
				s.t.Errorf("%s: English left on the page (%s): %q", where, k, part)
			}
		}
	}
}

// The panel in Chinese, Japanese and Korean, at desktop and phone size: the
// first visit follows the browser's language, the server-rendered page is
// already in it, and sign-in, the group finder, the attribute editor (with
// its byte counters counting a CJK character as 3 bytes) and a user's
// conversation groups and friend lists show no English sentence and pass
// the accessibility scan.
func TestLanguages(t *testing.T) {
	en := catalogue(t, "en")
	for _, lang := range []string{"zh-Hans", "ja", "ko"} {
		c := catalogue(t, lang)
		t.Run(lang, func(t *testing.T) {
			forEachDevice(t, func(t *testing.T, d device) {
				d.opts.Locale = playwright.String(locales[lang])
				s := open(t, d)

				// The server's page, before the app: in the language already.
				resp, err := s.page.Goto("/signin")
				check(t, err, "open sign-in")
				html, err := resp.Text()
				check(t, err, "read the server's page")
				if !strings.Contains(html, `<html lang="`+lang+`"`) || !strings.Contains(html, c["SignInTitle"]) {
					t.Fatalf("the server's page is not in %s", lang)
				}
				s.waitLive()
				check(t, expect.Locator(s.page.Locator("html")).ToHaveAttribute("lang", lang), "html lang")
				check(t, expect.Locator(s.heading(c["SignInTitle"])).ToBeVisible(), "sign-in in "+lang)
				s.englishLeft(en, c, "sign-in")
				s.axeScan("sign-in " + lang)

				// A name of its own per language and size: the shared panel
				// lets an unknown device fail 5 times per account name.
				s.fillSignInIn(c, "wrong-"+lang+"-"+d.name, "not-the-password")
				check(t, expect.Locator(s.page.GetByRole("alert")).ToContainText(c["The name or password is not right."]), "the server's refusal in "+lang)
				s.fillSignInIn(c, "moderator", s.panel.passwords["moderator"])
				check(t, expect.Locator(s.heading(c["HomeTitle"])).ToBeVisible(), "home in "+lang)
				s.englishLeft(en, c, "home")

				s.visit("/groups?query=" + "读书")
				check(t, expect.Locator(s.heading(c["FinderTitle"])).ToBeVisible(), "finder in "+lang)
				check(t, expect.Locator(s.page.GetByRole("link").Filter(playwright.LocatorFilterOptions{HasText: "悦享读书会"})).ToBeVisible(), "a CJK substring finds the group")
				check(t, expect.Locator(s.page.Locator("#index-status")).ToBeVisible(), "index status")
				s.englishLeft(en, c, "finder")
				s.axeScan("finder " + lang)

				s.visit(editorPath(trailhead))
				check(t, expect.Locator(s.heading(fmt.Sprintf(c["Attributes.Title"], "Trailhead Hikers"))).ToBeVisible(), "editor in "+lang)
				s.loaded("editor")
				check(t, s.button("+ "+c["Attributes.AddRow"]).Click(), "add a row")
				value := s.page.Locator("textarea").Last()
				check(t, value.Fill("読書会"), "a CJK value")
				check(t, expect.Locator(s.page.GetByText(fmt.Sprintf(c["Attributes.Bytes"], 9, 4000), playwright.PageGetByTextOptions{Exact: playwright.Bool(true)})).ToBeVisible(), "9 bytes for 3 CJK characters")
				s.englishLeft(en, c, "editor")
				s.axeScan("editor " + lang)
				check(t, s.button(c["Attributes.Undo"]).Click(), "undo the edit")

				s.visit(convGroupsPath("alice"))
				s.loaded("conversation groups")
				check(t, expect.Locator(s.heading(fmt.Sprintf(c["ConvGroups.Title"], "Alice Walker · alice"))).ToBeVisible(), "conversation groups in "+lang)
				s.englishLeft(en, c, "conversation groups")
				s.axeScan("conversation groups " + lang)

				s.visit(friendListsPath("alice"))
				s.loaded("friend lists")
				check(t, expect.Locator(s.heading(fmt.Sprintf(c["Users.FriendListsOf"], "Alice Walker · alice"))).ToBeVisible(), "friend lists in "+lang)
				s.englishLeft(en, c, "friend lists")
				s.axeScan("friend lists " + lang)
				s.noErrorsBut("401")
			})
		})
	}
}

// The language can be switched from any page, each named in itself, and
// the choice stays on the device: the next page and the next visit are in
// it.
func TestLanguageSwitch(t *testing.T) {
	ja := catalogue(t, "ja")
	s := open(t, desktop)
	s.signIn("viewer")
	s.visit("/audit")
	lang := s.page.GetByRole("combobox", playwright.PageGetByRoleOptions{Name: "Language"})
	check(t, expect.Locator(lang.Locator("option")).ToHaveText([]string{"English", "简体中文", "日本語", "한국어"}), "each named in itself")
	_, err := lang.SelectOption(playwright.SelectOptionValues{Labels: &[]string{"日本語"}})
	check(t, err, "choose Japanese")
	check(t, expect.Locator(s.heading(ja["AuditTitle"])).ToBeVisible(), "the page in Japanese")
	s.waitLive()
	check(t, expect.Locator(s.page.Locator("html")).ToHaveAttribute("lang", "ja"), "html lang")
	s.visit("/groups")
	check(t, expect.Locator(s.heading(ja["FinderTitle"])).ToBeVisible(), "the next page too")
	page, err := s.ctx.NewPage()
	check(t, err, "another tab")
	_, err = page.Goto("/")
	check(t, err, "open the home page")
	check(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: ja["HomeTitle"]})).ToBeVisible(), "remembered on the device")
	lang = s.page.GetByRole("combobox", playwright.PageGetByRoleOptions{Name: ja["Language"]})
	_, err = lang.SelectOption(playwright.SelectOptionValues{Labels: &[]string{"English"}})
	check(t, err, "back to English")
	check(t, expect.Locator(s.heading("Group attributes")).ToBeVisible(), "English again")
}

// TestLanguageScreenshots photographs the attribute editor in each language
// (make screenshots writes them to docs/screenshots for the README).
func TestLanguageScreenshots(t *testing.T) {
	for lang, locale := range locales {
		c := catalogue(t, lang)
		d := desktop
		d.opts.Locale = playwright.String(locale)
		s := atSignIn(t, d)
		s.fillSignInIn(c, "moderator", s.panel.passwords["moderator"])
		check(t, expect.Locator(s.heading(c["HomeTitle"])).ToBeVisible(), "signed in")
		s.visit(editorPath(trailhead))
		s.loaded("editor")
		check(t, s.button("+ "+c["Attributes.AddRow"]).Click(), "add a row")
		check(t, s.page.Locator("input[id^=key-]").Last().Fill("club"), "a key")
		check(t, s.page.Locator("textarea").Last().Fill("読書会 · 독서회"), "a CJK value, so the counter shows")
		s.photograph("editor-" + lang)
	}
}
