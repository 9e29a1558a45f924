package e2e

// The group attributes family in the browser: editing, limits said in
// the form, replace and clear, conflicts, and the editor's screenshots.

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// A moderator adds, edits and removes attributes, sees exactly what will
// change, confirms, and the change is stored and audited.
func TestEditAttributes(t *testing.T) {
	forEachGroupAt(t, []groupAt{{desktop, photo, "Photography Club 摄影社"}, {phone, yuexiang, "悦享读书会"}}, func(t *testing.T, c groupAt) {
		s := open(t, c.d)
		s.signIn("moderator")
		// The group as this test expects it, whatever earlier tests left.
		s.putAttributes(c.group, map[string]string{"theme": "Night sky 夜空", "rules_url": "https://example.com/rules", "season": "autumn"})
		before := s.attributes(c.group)
		s.visit(editorPath(c.group))
		check(t, expect.Locator(s.heading("Attributes of "+c.name)).ToBeVisible(), "editor")
		save := s.button("Review and save")
		check(t, expect.Locator(save).ToBeDisabled(), "nothing to save yet")
		check(t, expect.Locator(s.page.GetByText("Nothing to save")).ToBeVisible(), "why save is disabled")

		// Edit row 1, remove row 2, add a new row.
		val1 := s.page.GetByLabel("Value of row 1")
		key1, _ := s.page.GetByLabel("Key of row 1").InputValue()
		key2, _ := s.page.GetByLabel("Key of row 2").InputValue()
		old1 := before[key1]
		check(t, val1.Fill("edited in e2e ✓"), "edit a value")
		check(t, s.button("Remove row 2").Click(), "remove row 2")
		check(t, s.button("+ Add an attribute").Click(), "add a row")
		n := len(before) // rows after removing one and adding one
		newKey := s.page.GetByLabel(fmt.Sprintf("Key of row %d", n))
		check(t, expect.Locator(newKey).ToBeFocused(), "focus on the new key")
		check(t, newKey.Fill("e2e_note"), "new key")
		newValue := s.page.GetByLabel(fmt.Sprintf("Value of row %d", n))
		check(t, newValue.Fill("日本語 한국어"), "new value")
		row := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{Has: newValue})
		check(t, expect.Locator(row).ToContainText("19 / 4000 bytes"), "value counted in UTF-8 bytes (6 × 3 + 1)")
		check(t, expect.Locator(row).ToContainText("8 / 32 bytes"), "key counted in bytes")

		check(t, save.Click(), "review")
		dialog := s.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: "Review changes to " + c.name})
		check(t, expect.Locator(dialog).ToBeVisible(), "preview")
		check(t, expect.Locator(dialog.GetByRole("region").Or(dialog)).ToContainText("Added"), "added section")
		check(t, expect.Locator(dialog).ToContainText("e2e_note: 日本語 한국어"), "added row")
		check(t, expect.Locator(dialog).ToContainText(key1+": "+old1+" → edited in e2e ✓"), "changed row, old → new")
		check(t, expect.Locator(dialog).ToContainText("Removed"), "removed section")
		check(t, expect.Locator(dialog).ToContainText(key2), "removed key")
		check(t, dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Save changes to " + c.name}).Click(), "confirm")
		check(t, expect.Locator(s.page.GetByText("Saved.")).ToBeVisible(), "saved")
		check(t, expect.Locator(save).ToBeDisabled(), "nothing left to save")

		after := s.attributes(c.group)
		if after[key1] != "edited in e2e ✓" || after["e2e_note"] != "日本語 한국어" {
			t.Fatalf("stored attributes: %v", after)
		}
		if _, still := after[key2]; still {
			t.Fatalf("removed key %s still stored", key2)
		}
		// The change is in the audit log, with before → after.
		s.visit("/audit?target=" + url.QueryEscape(c.group))
		entry := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "Changed attributes"}).First()
		check(t, expect.Locator(entry).ToContainText("moderator (moderator)"), "who")
		check(t, expect.Locator(entry).ToContainText("Done"), "outcome")
		check(t, entry.GetByRole("button").Click(), "details")
		check(t, expect.Locator(entry.GetByRole("heading", playwright.LocatorGetByRoleOptions{Name: "Before"})).ToBeVisible(), "before")
		check(t, expect.Locator(entry).ToContainText(old1), "old value shown")
		check(t, expect.Locator(entry).ToContainText("edited in e2e ✓"), "new value shown")
		s.noErrors()
	})
}

// Limits are enforced in the form, in UTF-8 bytes, before anything is sent.
func TestLimitsRefusedInForm(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		var writes int
		s.page.OnRequest(func(r playwright.Request) {
			if r.Method() != "GET" && strings.Contains(r.URL(), "/attributes") {
				writes++
			}
		})
		n := len(s.attributes(trailhead)) + 1 // the row about to be added
		s.visit(editorPath(trailhead))
		check(t, s.button("+ Add an attribute").Click(), "add a row")
		key := s.page.GetByLabel(fmt.Sprintf("Key of row %d", n))
		check(t, expect.Locator(key).ToBeFocused(), "the new row's key has the focus")
		check(t, key.Fill(strings.Repeat("键", 11)), "a 33-byte key")
		check(t, expect.Locator(s.page.GetByText("33 / 32 bytes")).ToBeVisible(), "byte counter")
		check(t, expect.Locator(key).ToHaveAttribute("aria-invalid", "true"), "marked invalid")
		save := s.button("Review and save")
		check(t, expect.Locator(save).ToBeDisabled(), "save disabled")
		check(t, expect.Locator(s.page.GetByText(fmt.Sprintf("Cannot save yet, row %d: The key is 33 bytes; the limit is 32.", n))).ToBeVisible(), "why, and which row")
		check(t, key.Fill(strings.Repeat("键", 10)), "a 30-byte key")
		check(t, s.page.GetByLabel(fmt.Sprintf("Value of row %d", n)).Fill(strings.Repeat("v", 4001)), "a 4001-byte value")
		check(t, expect.Locator(s.page.GetByText(fmt.Sprintf("Cannot save yet, row %d: The value is 4001 bytes; the limit is 4000.", n))).ToBeVisible(), "value limit")
		check(t, expect.Locator(s.page.GetByText("Keys and values: ")).ToContainText("of 16000 bytes"), "total shown with its limit")
		check(t, expect.Locator(s.page.GetByText("Attributes: ")).ToContainText("of 16"), "count shown with its limit")
		if writes != 0 {
			t.Fatalf("%d writes were sent", writes)
		}
		// Leaving with unsaved changes asks first.
		asked := ""
		s.page.OnDialog(func(dl playwright.Dialog) { asked = dl.Message(); dl.Dismiss() })
		check(t, s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Audit log"}).Click(), "try to leave")
		check(t, expect.Locator(s.heading("Attributes of Trailhead Hikers")).ToBeVisible(), "stayed")
		if !strings.Contains(asked, "not saved") {
			t.Fatalf("no question before leaving, got %q", asked)
		}
	})
}

// Replace all and clear all need a box ticked that names the group and
// what is lost, then the button — nothing to type, at both sizes; a
// Community cannot be cleared and says why.
func TestReplaceAndClear(t *testing.T) {
	forEachGroupAt(t, []groupAt{{desktop, meeting, "週次ミーティング"}, {narrowPhone, privFam, "Family"}}, func(t *testing.T, c groupAt) {
		s := open(t, c.d)
		s.signIn("admin")
		s.putAttributes(c.group, map[string]string{"議題": "weekly", "room": "3F", "time": "Mon 10:00"})
		s.visit(editorPath(c.group))
		check(t, expect.Locator(s.heading("Attributes of "+c.name)).ToBeVisible(), "editor")
		key1, _ := s.page.GetByLabel("Key of row 1").InputValue()
		check(t, s.button("Remove row 2").Click(), "remove row 2")
		check(t, s.page.GetByLabel("Value of row 1").Fill("replaced value"), "edit")
		check(t, s.button("Replace all attributes…").Click(), "replace all")
		dialog := s.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: "Replace all attributes of " + c.name})
		confirm := dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Replace with these 2"})
		check(t, expect.Locator(confirm).ToBeDisabled(), "disabled until the box is ticked")
		box := dialog.GetByLabel(fmt.Sprintf("I understand that all 3 attributes of %s (%s) will be replaced by the 2 in the editor.", c.name, c.group))
		check(t, expect.Locator(box).ToBeFocused(), "focus in the dialog")
		check(t, expect.Locator(dialog.GetByRole("textbox")).ToHaveCount(0), "nothing to type")
		check(t, box.Check(), "tick")
		check(t, confirm.Click(), "confirm replace")
		check(t, expect.Locator(s.page.GetByText("Saved.")).ToBeVisible(), "replaced")
		if a := s.attributes(c.group); len(a) != 2 || a[key1] != "replaced value" {
			t.Fatalf("after replace: %v", a)
		}
		check(t, s.button("Clear all attributes…").Click(), "clear all")
		dialog = s.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: "Clear all attributes of " + c.name})
		clear := dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Remove all 2"})
		check(t, expect.Locator(clear).ToBeDisabled(), "disabled until the box is ticked")
		check(t, dialog.GetByLabel(fmt.Sprintf("I understand that all 2 attributes of %s (%s) will be removed.", c.name, c.group)).Check(), "tick")
		check(t, clear.Click(), "confirm clear")
		check(t, expect.Locator(s.page.GetByText("This group has no attributes yet.")).ToBeVisible(), "cleared")
		if a := s.attributes(c.group); len(a) != 0 {
			t.Fatalf("after clear: %v", a)
		}
		// Escape closes a dialog without doing anything.
		s.visit(editorPath(trailhead))
		clearCommunity := s.button("Clear all attributes…")
		check(t, expect.Locator(clearCommunity).ToBeDisabled(), "community clear disabled")
		check(t, expect.Locator(s.page.GetByText("Community groups cannot be cleared")).ToBeVisible(), "reason shown")
		check(t, s.button("Replace all attributes…").Click(), "open replace")
		check(t, expect.Locator(s.page.GetByRole("dialog")).ToBeVisible(), "dialog open")
		check(t, s.page.Keyboard().Press("Escape"), "escape")
		check(t, expect.Locator(s.page.GetByRole("dialog")).ToHaveCount(0), "closed")
		s.noErrors()
	})
}

// TestEditorScreenshots photographs the editor at both sizes, into
// SCREENSHOT_DIR when set (`make screenshots` writes docs/screenshots for
// the README), else into a temporary folder.
func TestEditorScreenshots(t *testing.T) {
	for _, d := range devices {
		s := openAt(t, d, "moderator", editorPath(trailhead))
		check(t, expect.Locator(s.heading("Attributes of Trailhead Hikers")).ToBeVisible(), "editor")
		check(t, s.page.GetByLabel("Value of row 3").Fill("winter ❄ 冬"), "an edit, so the counters and Save show")
		s.photograph("editor-" + d.name)
	}
}

// 3. When someone else saved first, the warning is in view and focused,
// shows what they changed, and keeps both edits where they do not collide;
// where they do, the moderator chooses.
func TestConflictKeepBoth(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		group, name := groupOf(d)
		s.putAttributes(group, map[string]string{"a_topic": "lenses", "b_rules": "be kind", "c_day": "Sat"})
		s.visit(editorPath(group))
		check(t, expect.Locator(s.heading("Attributes of "+name)).ToBeVisible(), "editor")

		// Mine: a_topic. Theirs, meanwhile: b_rules and a new key.
		check(t, s.page.GetByLabel("Value of row 1").Fill("mine"), "my edit")
		if st := s.call("PATCH", attrsPath(group), map[string]any{"set": []map[string]string{{"key": "b_rules", "value": "theirs"}, {"key": "d_new", "value": "theirs too"}}}); st != 200 {
			t.Fatalf("their change: %d", st)
		}
		save := func() {
			check(t, s.button("Review and save").Click(), "review")
			check(t, s.page.GetByRole("dialog").GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Save changes to " + name}).Click(), "confirm")
		}
		save()
		warning := s.page.GetByRole("alert").Filter(playwright.LocatorFilterOptions{HasText: "Someone else changed"})
		check(t, expect.Locator(warning).ToBeInViewport(), "warning in view")
		check(t, expect.Locator(warning).ToBeFocused(), "warning focused")
		check(t, expect.Locator(warning).ToContainText("What they changed"), "their changes")
		check(t, expect.Locator(warning).ToContainText("d_new: theirs too"), "their new key")
		check(t, expect.Locator(warning).ToContainText("b_rules: be kind → theirs"), "their changed key")
		check(t, expect.Locator(warning).ToContainText("both can be kept"), "no collision")
		s.axeScan("conflict")
		check(t, warning.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Keep both"}).Click(), "keep both")
		dialog := s.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: "Review changes to " + name})
		check(t, expect.Locator(dialog).ToContainText("a_topic: lenses → mine"), "only my edit is left to save")
		check(t, dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Save changes to " + name}).Click(), "confirm")
		check(t, expect.Locator(s.page.GetByText("Saved.")).ToBeVisible(), "saved")
		got := s.attributes(group)
		if got["a_topic"] != "mine" || got["b_rules"] != "theirs" || got["d_new"] != "theirs too" || got["c_day"] != "Sat" {
			t.Fatalf("both kept? %v", got)
		}

		// Both change a_topic; mine also c_day. The moderator keeps theirs
		// for a_topic.
		check(t, s.page.GetByLabel("Value of row 1").Fill("mine again"), "my edit")
		check(t, s.page.GetByLabel("Value of row 3").Fill("Sun"), "my other edit")
		if st := s.call("PATCH", attrsPath(group), map[string]any{"set": []map[string]string{{"key": "a_topic", "value": "their topic"}}}); st != 200 {
			t.Fatalf("their change: %d", st)
		}
		save()
		check(t, expect.Locator(warning).ToBeInViewport(), "warning in view")
		check(t, expect.Locator(warning).ToBeFocused(), "warning focused")
		check(t, expect.Locator(warning).ToContainText("You both changed"), "collision named")
		check(t, warning.GetByLabel(`Keep theirs: "their topic"`).Check(), "keep theirs for a_topic")
		check(t, expect.Locator(warning.GetByLabel(`Keep yours: "mine again"`)).Not().ToBeChecked(), "mine not kept")
		check(t, warning.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Keep both"}).Click(), "keep both")
		check(t, expect.Locator(dialog).ToContainText("c_day: Sat → Sun"), "my other edit")
		check(t, expect.Locator(dialog).Not().ToContainText("mine again"), "my colliding edit dropped")
		check(t, dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Save changes to " + name}).Click(), "confirm")
		check(t, expect.Locator(s.page.GetByText("Saved.")).ToBeVisible(), "saved")
		got = s.attributes(group)
		if got["a_topic"] != "their topic" || got["c_day"] != "Sun" || got["b_rules"] != "theirs" {
			t.Fatalf("after choosing: %v", got)
		}
		s.noErrors()
	})
}
