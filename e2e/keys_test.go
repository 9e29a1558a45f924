package e2e

// The registry of attribute keys, as an admin and a moderator use it:
// the admin describes keys on /attribute-keys, the moderator's editor
// shows their labels and checks values against them, and the registry
// goes out as a file and comes back unchanged.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// Keys this test describes, on a group it puts back as it found it.
const (
	keyWait = "e2e_wait" // a whole number 0–600
	keyTier = "e2e_tier" // a choice
	keyOld  = "e2e_old"  // deprecated, replaced by keyTier
	keyFree = "e2e_free" // not described
)

// signedInAs opens a browser on d in lang and signs in as account.
func signedInAs(t *testing.T, d device, lang string, c map[string]string, account string) *session {
	t.Helper()
	if lang != "en" {
		d.opts.Locale = playwright.String(locales[lang])
	}
	s := atSignIn(t, d)
	s.fillSignInIn(c, account, s.panel.passwords[account])
	check(t, expect.Locator(s.heading(c["HomeTitle"])).ToBeVisible(), "signed in as "+account)
	return s
}

// fitsWidth fails the test when the page is wider than the window, naming
// the elements that stick out (noSidewaysScroll checks only the device
// named "phone").
func (s *session) fitsWidth(what string) {
	s.t.Helper()
	v, err := s.page.Evaluate(`() => {
		// html and body hide what sticks out (overflow-x: hidden), so look
		// for elements that pass the window's edge, outside scrolling boxes.
		const w = document.documentElement.clientWidth;
		const inScroller = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
			if (getComputedStyle(p).overflowX === 'auto') return true; } return false; };
		return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1 && !inScroller(e))
			.slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right));
	}`)
	check(s.t, err, "measure "+what)
	if list, _ := v.([]any); len(list) > 0 {
		s.t.Errorf("%s is wider than the window: %v", what, list)
	}
}

func TestKeys(t *testing.T) {
	for _, c := range []struct {
		d    device
		lang string
		// labels in the page's language
		wait, tier, gold string
	}{
		{desktop, "en", "Wait time", "Tier", "Gold"},
		{narrowPhone, "en", "Wait time", "Tier", "Gold"},
		{desktop, "ja", "待ち時間", "ランク", "ゴールド"},
		{narrowPhone, "ja", "待ち時間", "ランク", "ゴールド"},
	} {
		t.Run(c.d.name+"-"+c.lang, func(t *testing.T) {
			cat := catalogue(t, c.lang)
			admin := signedInAs(t, c.d, c.lang, cat, "admin")
			mod := signedInAs(t, c.d, c.lang, cat, "moderator")
			before := mod.attributes(photo)
			t.Cleanup(func() {
				for _, k := range []string{keyWait, keyTier, keyOld} {
					admin.call("DELETE", "/api/v1/attribute-keys/"+k, nil)
				}
				if len(before) == 0 {
					mod.call("DELETE", attrsPath(photo), nil)
				} else {
					mod.putAttributes(photo, before)
				}
			})

			// The admin describes three keys.
			admin.visit("/attribute-keys")
			check(t, expect.Locator(admin.heading(cat["Keys.Title"])).ToBeVisible(), "registry page")
			admin.loaded("registry")
			describe := func(key, typ string, fill func()) {
				t.Helper()
				check(t, admin.button(cat["Keys.Add"]).Click(), "describe "+key)
				check(t, admin.page.Locator("#kf-key").Fill(key), "key")
				_, err := admin.page.Locator("#kf-type").SelectOption(playwright.SelectOptionValues{Values: &[]string{typ}})
				check(t, err, "type "+typ)
				fill()
				check(t, admin.button(cat["Keys.Save"]).Click(), "save "+key)
				check(t, expect.Locator(admin.page.GetByText(fmt.Sprintf(cat["Keys.Saved"], key))).ToBeVisible(), "saved "+key)
			}
			fill := func(id, text string) {
				t.Helper()
				check(t, admin.page.Locator("#"+id).Fill(text), id)
			}
			describe(keyWait, "number", func() {
				check(t, admin.page.Locator("#kf-integer").Check(), "whole numbers")
				fill("kf-min", "0")
				fill("kf-max", "600")
				fill("kf-label-en", "Wait time")
				fill("kf-label-ja", "待ち時間")
				fill("kf-desc-en", "Seconds a member waits between messages.")
				fill("kf-team", "Trust & Safety")
				admin.axeScan("the form, " + c.lang)
				admin.fitsWidth("the form")
			})
			describe(keyTier, "choice", func() {
				fill("kf-label-en", "Tier")
				fill("kf-label-ja", "ランク")
				fill("kf-choice-0", "gold")
				fill("kf-choice-0-en", "Gold")
				fill("kf-choice-0-ja", "ゴールド")
				check(t, admin.button("+ "+cat["Keys.ChoiceAdd"]).Click(), "another value")
				fill("kf-choice-1", "silver")
				fill("kf-choice-1-en", "Silver")
			})
			describe(keyOld, "text", func() {
				fill("kf-label-en", "Old tier")
				check(t, admin.page.Locator("#kf-deprecated").Check(), "deprecated")
				fill("kf-replaced", keyTier)
			})
			list := admin.page.GetByRole("table")
			for _, k := range []string{keyWait, keyTier, keyOld} {
				check(t, expect.Locator(list.GetByText(k, playwright.LocatorGetByTextOptions{Exact: playwright.Bool(true)})).ToBeVisible(), "listed "+k)
			}
			check(t, expect.Locator(list.GetByText(c.wait, playwright.LocatorGetByTextOptions{Exact: playwright.Bool(true)})).ToBeVisible(), "label in "+c.lang)
			admin.axeScan("the registry, " + c.lang)
			admin.fitsWidth("the registry")
			admin.photograph("keys-registry-" + c.d.name + "-" + c.lang)

			// The moderator's editor.
			mod.putAttributes(photo, map[string]string{keyWait: "10", keyOld: "bronze", keyFree: "anything"})
			mod.visit(editorPath(photo))
			mod.loaded("editor")
			check(t, expect.Locator(mod.page.GetByText(c.wait, playwright.PageGetByTextOptions{Exact: playwright.Bool(true)})).ToBeVisible(), "the label")
			check(t, expect.Locator(mod.page.GetByText(cat["Attributes.NotDescribed"])).ToHaveCount(1), "the undescribed key marked")
			check(t, expect.Locator(mod.page.GetByText(fmt.Sprintf(cat["Attributes.DeprecatedBy"], c.tier+" ("+keyTier+")"))).ToBeVisible(), "what replaces the deprecated key")
			value := mod.page.GetByLabel(fmt.Sprintf(cat["Attributes.ValueOf"], c.wait), playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
			check(t, expect.Locator(value).ToHaveAttribute("type", "number"), "a number input")
			check(t, value.Fill("900"), "an invalid number")
			sentence := fmt.Sprintf(cat["%s must be a whole number from %s to %s."], c.wait, "0", "600")
			check(t, expect.Locator(mod.page.Locator(".field-error").GetByText(sentence)).ToBeVisible(), "the sentence under the field")
			save := mod.button(cat["Attributes.Save"])
			check(t, expect.Locator(save).ToBeDisabled(), "Save disabled")
			check(t, expect.Locator(mod.page.Locator("#save-why")).ToContainText(sentence), "Save says why")
			mod.axeScan("the editor with a refused value, " + c.lang)
			mod.fitsWidth("the editor")
			mod.photograph("keys-editor-" + c.d.name + "-" + c.lang)
			check(t, value.Fill("60"), "a valid number")
			check(t, expect.Locator(save).ToBeEnabled(), "Save enabled")

			// A described choice, added by hand: its values by their labels.
			check(t, mod.button("+ "+cat["Attributes.AddRow"]).Click(), "add a row")
			// The new row is the fourth (the key is typed once it is there).
			check(t, mod.page.GetByLabel(fmt.Sprintf(cat["Attributes.Key"], 4), playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(keyTier), "the choice's key")
			tier := mod.page.GetByLabel(fmt.Sprintf(cat["Attributes.ValueOf"], c.tier), playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
			check(t, expect.Locator(tier).ToHaveRole("combobox"), "a select")
			check(t, expect.Locator(save).ToBeDisabled(), "no value chosen yet")
			_, err := tier.SelectOption(playwright.SelectOptionValues{Labels: &[]string{c.gold}})
			check(t, err, "choose "+c.gold)
			check(t, expect.Locator(save).ToBeEnabled(), "Save enabled")
			check(t, save.Click(), "review")
			// The preview says the keys and values as people read them, the
			// raw ones beside them.
			preview := mod.page.GetByRole("dialog")
			check(t, expect.Locator(preview).ToContainText(c.wait+" "+keyWait), "the label beside the raw key")
			check(t, expect.Locator(preview).ToContainText(c.gold), "the choice by its label")
			check(t, mod.page.Locator("#preview-confirm").Click(), "save")
			check(t, expect.Locator(mod.page.GetByText(cat["Attributes.Saved"])).ToBeVisible(), "saved")
			if got := mod.attributes(photo); got[keyWait] != "60" || got[keyTier] != "gold" {
				t.Errorf("stored %v, want %s 60 and %s gold", got, keyWait, keyTier)
			}
			mod.noErrors()

			// The audit log says them so too: the label beside the raw key.
			mod.visit("/audit?target=" + url.QueryEscape(photo))
			entry := mod.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: cat["Actions.group.attributes.patch"]}).First()
			check(t, entry.GetByRole("button").Click(), "details")
			after := entry.Locator(".attr-table").Filter(playwright.LocatorFilterOptions{
				Has: mod.page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: cat["AuditAfter"], Exact: playwright.Bool(true)})})
			term := func(label string) playwright.Locator { // "Tier", not "Old tier"
				return after.GetByRole("term").Filter(playwright.LocatorFilterOptions{HasText: regexp.MustCompile("^" + regexp.QuoteMeta(label) + " ")})
			}
			check(t, expect.Locator(term(c.wait)).ToContainText(keyWait), "the label beside the raw key in the log")
			tierTerm := term(c.tier)
			check(t, expect.Locator(tierTerm).ToContainText(keyTier), "the choice's key by its label")
			check(t, expect.Locator(after.GetByRole("definition").Filter(playwright.LocatorFilterOptions{HasText: c.gold})).ToContainText("gold"), "the choice by its label, the raw value beside it")
			mod.fitsWidth("the audit log's details")
			mod.noErrors()

			// The finder finds the group by the choice, both by their labels.
			mod.visit("/groups")
			_, err = mod.page.GetByLabel(cat["FinderKey"], playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).
				SelectOption(playwright.SelectOptionValues{Labels: &[]string{c.tier}})
			check(t, err, "the key by its label")
			_, err = mod.page.GetByLabel(fmt.Sprintf(cat["Attributes.ValueOf"], c.tier), playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).
				SelectOption(playwright.SelectOptionValues{Labels: &[]string{c.gold}})
			check(t, err, "the value by its label")
			check(t, expect.Page(mod.page).ToHaveURL(regexp.MustCompile(`key=`+keyTier+`&value=gold$`)), "the filter in the URL")
			found := mod.page.GetByRole("region", playwright.PageGetByRoleOptions{Name: cat["FinderResult1"]})
			check(t, expect.Locator(found.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Photography Club 摄影社"})).ToBeVisible(), "the group found by its value")
			mod.axeScan("the finder by a key's value, " + c.lang)
			mod.fitsWidth("the finder")
			mod.noErrors()

			// The bulk form gives a described key the editor's control and
			// check: Preview waits for a value the key accepts.
			mod.visit("/bulk-changes")
			check(t, expect.Locator(mod.heading(cat["Bulk.Title"])).ToBeVisible(), "bulk changes page")
			check(t, mod.page.GetByLabel(fmt.Sprintf(cat["Attributes.Key"], 1), playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(keyWait), "a described key")
			bulkValue := mod.page.GetByLabel(fmt.Sprintf(cat["Attributes.ValueOf"], c.wait), playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
			check(t, expect.Locator(bulkValue).ToHaveAttribute("type", "number"), "the number input in the bulk form")
			check(t, bulkValue.Fill("900"), "an invalid number")
			check(t, expect.Locator(mod.page.Locator(".field-error").GetByText(sentence)).ToBeVisible(), "the sentence under the bulk form's field")
			check(t, expect.Locator(mod.button(cat["Bulk.Preview"])).ToBeDisabled(), "Preview disabled")
			mod.axeScan("the bulk form with a refused value, " + c.lang)
			mod.fitsWidth("the bulk form")
			mod.noErrors()

			// A moderator reads the registry through the API, but the page
			// is for administrators.
			mod.visit("/attribute-keys")
			check(t, expect.Locator(mod.page.GetByText(cat["AdminsOnly.Intro"])).ToBeVisible(), "for administrators")
			check(t, expect.Locator(mod.button(cat["Keys.Add"])).ToHaveCount(0), "no form for a moderator")

			// Export, then import the same file: nothing changes.
			dl, path := admin.download(cat["Keys.Export"], "export")
			b, err := os.ReadFile(path)
			check(t, err, "read the file")
			var reg struct {
				Keys []struct {
					Key string `json:"key"`
				} `json:"keys"`
			}
			check(t, json.Unmarshal(b, &reg), "the file is JSON")
			if len(reg.Keys) < 3 {
				t.Fatalf("the file describes %d keys", len(reg.Keys))
			}
			// Saved where a person saves it, under the name the panel gave.
			named := dl.SuggestedFilename()
			file := filepath.Join(t.TempDir(), named)
			check(t, os.WriteFile(file, b, 0o644), "keep the file")
			check(t, admin.page.Locator("#keys-import").SetInputFiles(file), "import the file")
			dialog := admin.page.GetByRole("dialog")
			check(t, expect.Locator(dialog).ToContainText(fmt.Sprintf(cat["Keys.ImportWarning"], named, len(reg.Keys), len(reg.Keys))), "confirm first")
			admin.axeScan("the import's confirmation, " + c.lang)
			check(t, dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: cat["Keys.ImportConfirm"]}).Click(), "replace")
			check(t, expect.Locator(admin.page.GetByText(fmt.Sprintf(cat["Keys.Imported"], 0, 0, 0, len(reg.Keys)))).ToBeVisible(), "unchanged")

			// Delete one, confirming the key by name.
			check(t, admin.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: fmt.Sprintf(cat["Keys.DeleteKey"], keyOld)}).First().Click(), "delete "+keyOld)
			check(t, expect.Locator(dialog.GetByRole("heading")).ToHaveText(fmt.Sprintf(cat["Keys.DeleteTitle"], keyOld)), "the confirmation names the key")
			check(t, dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: fmt.Sprintf(cat["Keys.DeleteKey"], keyOld)}).Click(), "confirm")
			check(t, expect.Locator(admin.page.GetByText(fmt.Sprintf(cat["Keys.Deleted"], keyOld))).ToBeVisible(), "deleted")
			check(t, expect.Locator(list.GetByText(keyOld, playwright.LocatorGetByTextOptions{Exact: playwright.Bool(true)})).ToHaveCount(0), "gone from the list")
			admin.noErrors()
		})
	}
}
