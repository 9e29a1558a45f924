package e2e

// What a new moderator tripped over: each numbered point of the issue, as
// the person does it, at desktop size and on a 360 × 740 phone.

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

const privFam = "@TGS#4PRIVFAM" // Private, outside the moderator's scope, no attributes

// narrowPhone is the smallest phone the panel is made for.
var narrowPhone = func() device {
	d := phone
	d.name = "phone360"
	d.opts.Viewport = &playwright.Size{Width: 360, Height: 740}
	return d
}()

// bothSizes runs f at desktop size and on the narrow phone.
func bothSizes(t *testing.T, f func(t *testing.T, d device)) {
	for _, d := range []device{desktop, narrowPhone} {
		t.Run(d.name, func(t *testing.T) { f(t, d) })
	}
}

// inShanghai is d with its clock in Shanghai's time zone, as a moderator
// in Shanghai reads the audit log.
func inShanghai(d device) device {
	d.opts.TimezoneId = playwright.String("Asia/Shanghai")
	return d
}

// groupOf is the group whose attributes a test changes on d, with its
// name: the two sizes of bothSizes change two groups, so as not to meet.
func groupOf(d device) (group, name string) {
	if d.name != "desktop" {
		return yuexiang, "悦享读书会"
	}
	return photo, "Photography Club 摄影社"
}

// openFilters unfolds the audit filters where a narrow screen folds them.
func (s *session) openFilters() {
	s.t.Helper()
	toggle := s.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: regexp.MustCompile(`^Filters`)})
	if visible, _ := toggle.IsVisible(); visible {
		if expanded, _ := toggle.GetAttribute("aria-expanded"); expanded != "true" {
			check(s.t, toggle.Click(), "open the filters")
		}
	}
	check(s.t, expect.Locator(s.page.GetByLabel("Action")).ToBeVisible(), "filters shown")
}

// call makes an API request from the page, with its session, and returns
// the status.
func (s *session) call(method, path string, body any) int {
	s.t.Helper()
	b, _ := json.Marshal(body)
	v, err := s.page.Evaluate(`async ([method, path, body]) => {
		const r = await fetch(path, {method, headers: {'Content-Type': 'application/json'}, body: body === 'null' ? undefined : body});
		return r.status;
	}`, []any{method, path, string(b)})
	check(s.t, err, method+" "+path)
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	}
	return 0
}

func attrsPath(id string) string { return "/api/v1/groups/" + url.PathEscape(id) + "/attributes" }

// putAttributes sets a group's attributes to exactly kv, in key order.
func (s *session) putAttributes(id string, kv map[string]string) {
	s.t.Helper()
	var list []map[string]string
	for _, k := range sortedKeys(kv) {
		list = append(list, map[string]string{"key": k, "value": kv[k]})
	}
	if st := s.call("PUT", attrsPath(id), map[string]any{"attributes": list}); st != 200 {
		s.t.Fatalf("put attributes of %s: %d", id, st)
	}
}

func sortedKeys(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// 1. The export buttons download a file with the rows the filters select.
func TestAuditExportDownloads(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		s := openAt(t, d, "admin", "/audit?action=session.signin&actor=admin")
		// The exports are in sight without unfolding the filters, on a
		// phone too.
		check(t, expect.Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Export CSV"})).ToBeVisible(), "export in sight")
		for _, c := range []struct{ button, ext string }{{"Export CSV", ".csv"}, {"Export JSON lines", ".jsonl"}} {
			dl, path := s.download(c.button, "download from "+c.button)
			if !strings.HasSuffix(dl.SuggestedFilename(), c.ext) {
				t.Errorf("%s saved as %q", c.button, dl.SuggestedFilename())
			}
			f, err := os.Open(path)
			check(t, err, "open the file")
			var rows []string
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				rows = append(rows, sc.Text())
			}
			f.Close()
			if c.ext == ".csv" {
				// The byte-order mark lets spreadsheet programs read CJK
				// names right.
				if len(rows) < 2 || !strings.HasPrefix(rows[0], "\ufeff#,When (") {
					t.Fatalf("csv: %q", rows)
				}
				rows = rows[1:]
			}
			if len(rows) == 0 {
				t.Fatalf("%s: no rows", c.button)
			}
			action := map[string]string{".csv": ",Signed in,", ".jsonl": "session.signin"}[c.ext] // the CSV says it in words
			for _, r := range rows {
				if !strings.Contains(r, action) || !strings.Contains(r, "admin") {
					t.Errorf("%s: a row the filters do not select: %s", c.button, r)
				}
			}
		}
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/audit\?`)), "still on the audit page")
		check(t, expect.Locator(s.heading("Audit log")).ToBeVisible(), "no 404 page")
		s.noErrors()
	})
}

// The CSV export is for a person: a moderator in Shanghai changes a
// group's attributes, exports the audit log from the page and reads what
// happened in words, when in Shanghai's time (the zone named in the
// header), the group by name and ID, the outcome in words, and the change
// as "key: old → new".
func TestAuditCSVIsReadable(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		s := open(t, inShanghai(d))
		s.signIn("moderator")
		slow := map[string]string{"desktop": "30", "phone360": "31"}[d.name]
		if slow == "" {
			slow = "32"
		}
		s.putAttributes(trailhead, map[string]string{"slowmode": "10", "region": "eu"})
		s.putAttributes(trailhead, map[string]string{"slowmode": slow})

		s.visit("/audit?action=group.attributes.replace&actor=moderator")
		check(t, expect.Locator(s.page.GetByText("Times are in your time zone, Asia/Shanghai")).ToBeVisible(), "the page's zone")
		s.axeScan("audit log before the export")
		_, path := s.download("Export CSV", "export CSV")
		raw, err := os.ReadFile(path)
		check(t, err, "read the file")
		if !bytes.HasPrefix(raw, []byte("\ufeff")) {
			t.Fatalf("no byte-order mark: %q", raw[:min(len(raw), 20)])
		}
		rows, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
		check(t, err, "read the CSV")
		head := rows[0]
		want := []string{"#", "When (Asia/Shanghai)", "Who", "Role", "What happened", "Target", "Target ID", "Outcome", "Change"}
		if len(head) < len(want) || strings.Join(head[:len(want)], "|") != strings.Join(want, "|") {
			t.Fatalf("header: %q", head)
		}
		// The newest such entry, as the API holds it (its time in UTC).
		rec := s.apiJSON("/api/v1/audit?action=group.attributes.replace&actor=moderator&limit=1")["records"].([]any)[0].(map[string]any)
		var row []string
		for _, r := range rows[1:] {
			if r[0] == fmt.Sprint(rec["seq"]) { // playwright gives a whole number as an int
				row = r
			}
		}
		if row == nil {
			t.Fatalf("entry %v is not in the CSV: %q", rec["seq"], rows)
		}
		if row[2] != "moderator" || row[4] != "Replaced all attributes" || row[5] != "Trailhead Hikers" || row[6] != "'"+trailhead || row[7] != "Done" {
			t.Errorf("row: %q", row)
		}
		if row[8] != "region: removed; slowmode: 10 → "+slow {
			t.Errorf("change: %q", row[8])
		}
		at, err := time.Parse(time.RFC3339Nano, rec["time"].(string))
		check(t, err, "the entry's time")
		shanghai, _ := time.LoadLocation("Asia/Shanghai")
		if row[1] != at.In(shanghai).Format("2006-01-02 15:04:05") {
			t.Errorf("time %q, want %s in Shanghai", row[1], at)
		}
		s.noErrors()
	})
}

// 2. Choosing "All types" or "Any" again after another choice shows
// everything again.
func TestAllAgainShowsResults(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		s := openAt(t, d, "viewer", "/groups")
		check(t, expect.Locator(s.page.GetByText("9 groups found")).ToBeVisible(), "all groups")
		selectOption(t, s.page.GetByLabel("Group type"), "Community")
		check(t, expect.Locator(s.page.GetByText("3 groups found")).ToBeVisible(), "communities")
		selectOption(t, s.page.GetByLabel("Group type"), "All types")
		check(t, expect.Locator(s.page.GetByText("9 groups found")).ToBeVisible(), "all groups again")
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/groups$`)), "no type in the URL")

		s.visit("/audit")
		s.openFilters()
		entries := s.page.GetByRole("list").Last().GetByRole("listitem")
		selectOption(t, s.page.GetByLabel("Action"), "Signed out")
		selectOption(t, s.page.GetByLabel("Outcome"), "Unknown — check it in the panel")
		check(t, s.button("Apply filters").Click(), "apply")
		check(t, expect.Locator(s.page.GetByText("No entries match these filters.")).ToBeVisible(), "nothing")
		s.openFilters()
		selectOption(t, s.page.GetByLabel("Action"), "Any")
		selectOption(t, s.page.GetByLabel("Outcome"), "Any")
		check(t, s.button("Apply filters").Click(), "apply")
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/audit$`)), "no filter in the URL")
		check(t, expect.Locator(entries.First()).ToContainText("Signed in"), "entries again")
		s.noErrors()
	})
}

// 4. The audit log finds part of an account or a group ID, takes in the
// whole "until" day, says which time zone its times are in, names groups
// and shows a failed sign-in without an empty role.
func TestAuditSearch(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		// A failed sign-in, then a change by the moderator to a group.
		s := atSignIn(t, inShanghai(d))
		s.fillSignIn("moderator", "not-the-password")
		check(t, expect.Locator(s.page.GetByRole("alert")).ToContainText("The name or password is not right."), "refused")
		s.fillSignIn("moderator", s.panel.passwords["moderator"])
		check(t, expect.Locator(s.page.GetByText("Signed in as moderator")).ToBeVisible(), "signed in")
		if st := s.call("PATCH", attrsPath(trailhead), map[string]any{"set": []map[string]string{{"key": "search_me", "value": d.name}}}); st != 200 {
			t.Fatalf("change: %d", st)
		}
		s.visit("/audit")
		s.openFilters()
		check(t, s.page.GetByLabel("Account").Fill("MOD"), "part of the account")
		check(t, s.page.GetByLabel("Group or user ID").Fill("_trailhead"), "part of the group ID")
		today := time.Now().In(time.FixedZone("Shanghai", 8*3600)).Format(time.DateOnly)
		check(t, s.page.GetByLabel("Until").Fill(today), "until today")
		check(t, s.button("Apply filters").Click(), "apply")
		entry := s.page.GetByRole("list").Last().GetByRole("listitem").First()
		check(t, expect.Locator(entry).ToContainText("Changed attributes"), "found by parts, today included")
		check(t, expect.Locator(entry).ToContainText("moderator (moderator)"), "who")
		check(t, expect.Locator(entry).ToContainText("Trailhead Hikers"), "the group's name")
		check(t, expect.Locator(entry).ToContainText(trailhead), "and its ID")
		check(t, expect.Locator(s.page.GetByText("Times are in your time zone, Asia/Shanghai (UTC+8).")).ToBeVisible(), "zone named")
		when := entry.Locator("time")
		stamp, err := when.GetAttribute("datetime")
		check(t, err, "datetime")
		at, err := time.Parse(time.RFC3339, stamp)
		check(t, err, "parse "+stamp)
		check(t, expect.Locator(when).ToHaveText(at.In(time.FixedZone("Shanghai", 8*3600)).Format("2006-01-02 15:04:05")), "local time")

		s.visit("/audit?action=session.signin&outcome=failed&actor=moderator")
		failed := s.page.GetByRole("list").Last().GetByRole("listitem").First()
		check(t, expect.Locator(failed).ToContainText("moderator"), "who tried")
		check(t, expect.Locator(failed).Not().ToContainText("()"), "no empty role")
		s.noErrors()
	})
}

// 5. On a phone the work starts above the fold: the editor's first row and
// the audit log's first entry are in view with the header, the demo notice
// (which can be hidden for the session) and the menu; clearing needs no
// typing (TestReplaceAndClear).
func TestWorkAboveTheFold(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		s := openAt(t, d, "moderator", editorPath(trailhead))
		check(t, expect.Locator(s.heading("Attributes of Trailhead Hikers")).ToBeVisible(), "editor")
		check(t, expect.Locator(s.page.GetByRole("note")).ToBeVisible(), "demo notice shown")
		check(t, expect.Locator(s.page.GetByLabel("Key of row 1")).ToBeInViewport(playwright.LocatorAssertionsToBeInViewportOptions{Ratio: playwright.Float(1)}), "first key in view")
		check(t, expect.Locator(s.page.GetByLabel("Value of row 1")).ToBeInViewport(playwright.LocatorAssertionsToBeInViewportOptions{Ratio: playwright.Float(1)}), "first value in view")
		s.visit("/audit")
		first := s.page.GetByRole("list").Last().GetByRole("listitem").First()
		check(t, expect.Locator(first).ToBeInViewport(playwright.LocatorAssertionsToBeInViewportOptions{Ratio: playwright.Float(1)}), "first entry in view")
		check(t, s.button("Hide the demo notice").Click(), "hide the demo notice")
		check(t, expect.Locator(s.page.GetByRole("note")).ToHaveCount(0), "hidden")
		check(t, s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Group attributes"}).First().Click(), "another page")
		check(t, expect.Locator(s.heading("Group attributes")).ToBeVisible(), "finder")
		check(t, expect.Locator(s.page.GetByRole("note")).ToHaveCount(0), "still hidden")
		// A load of the server's page (without the service worker, which
		// would start the app from its cache at once): the notice is hidden
		// on it already, and after the app has taken over.
		_, err := s.page.Evaluate(`navigator.serviceWorker.getRegistrations().then(rs => Promise.all(rs.map(r => r.unregister())))`)
		check(t, err, "unregister the service worker")
		release := s.holdApp()
		if _, err := s.page.Reload(); err != nil {
			t.Fatalf("reload: %v", err)
		}
		check(t, expect.Locator(s.heading("Group attributes")).ToBeVisible(), "the server's page")
		if n, _ := s.page.Locator(`html[data-imdesk="ready"]`).Count(); n != 0 {
			t.Fatal("the app started although app.wasm was held")
		}
		check(t, expect.Locator(s.page.GetByRole("note")).ToBeHidden(), "hidden before the app takes over")
		release()
		s.waitLive()
		check(t, expect.Locator(s.page.GetByRole("note")).ToBeHidden(), "hidden after")
		s.noErrors()
	})
}

// 6. The smaller things: which row cannot be saved, no 17th attribute, one
// label per group type, a notice when the scope hides results, the search
// in the URL, link previews, Back after sign-out, no request id after a
// wrong password.
func TestSmallerThings(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		s := atSignIn(t, d)
		s.fillSignIn("admin", "not-the-password")
		alert := s.page.GetByRole("alert")
		check(t, expect.Locator(alert).ToContainText("The name or password is not right."), "refused")
		check(t, expect.Locator(alert).Not().ToContainText("Request id"), "no request id")
		s.fillSignIn("admin", s.panel.passwords["admin"])
		check(t, expect.Locator(s.page.GetByText("Signed in as admin")).ToBeVisible(), "signed in")

		// Sixteen attributes: no seventeenth; a bad row is named.
		kv := map[string]string{}
		for i := range 15 {
			kv[fmt.Sprintf("k%02d", i)] = "v"
		}
		s.putAttributes(privFam, kv)
		s.visit(editorPath(privFam))
		add := s.button("+ Add an attribute")
		check(t, add.Click(), "add the 16th")
		check(t, expect.Locator(add).ToBeDisabled(), "no 17th")
		check(t, expect.Locator(s.page.GetByText("A group can have at most 16 attributes")).ToBeVisible(), "why")
		check(t, expect.Locator(s.page.GetByText("Cannot save yet, row 16: Enter a key.")).ToBeVisible(), "the row named")
		check(t, s.button("Remove row 16").Click(), "remove it")
		if st := s.call("DELETE", attrsPath(privFam), nil); st != 200 {
			t.Fatalf("clear: %d", st)
		}

		// One label per type, whichever name Tencent uses.
		s.visit("/groups?type=Private")
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`type=Private`)), "type in the URL")
		check(t, expect.Locator(s.page.GetByLabel("Group type")).ToHaveValue("Private"), "type from the URL")
		results := s.page.GetByRole("list").Last().GetByRole("link")
		check(t, expect.Locator(results).ToHaveCount(2), "Work and Private groups")
		for i := range 2 {
			check(t, expect.Locator(results.Nth(i)).ToContainText("Private (Work)"), "one label")
		}
		check(t, s.page.GetByLabel("Group ID or name").Fill("Ops"), "search")
		check(t, s.button("Find").Click(), "find")
		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`query=Ops`)), "query in the URL")
		_, err := s.page.Reload()
		check(t, err, "reload")
		s.waitLive()
		check(t, expect.Locator(s.page.GetByLabel("Group ID or name")).ToHaveValue("Ops"), "search kept")
		check(t, expect.Locator(s.page.GetByText("1 group found", playwright.PageGetByTextOptions{Exact: playwright.Bool(true)})).ToBeVisible(), "found again")

		// Link previews carry whole addresses.
		resp, body := httpGet(t, "/groups", "")
		resp.Body.Close()
		for _, prop := range []string{"og:url", "og:image"} {
			// go-app writes a tag's attributes in any order.
			tag := regexp.MustCompile(`<meta [^>]*property="` + prop + `"[^>]*>`).FindString(string(body))
			m := regexp.MustCompile(`content="([^"]*)"`).FindStringSubmatch(tag)
			if m == nil || !strings.HasPrefix(m[1], suite.baseURL+"/") {
				t.Errorf("%s: %q", prop, tag)
			}
		}

		// Sign out; Back steps back through the history instead of coming
		// back to the sign-in page again and again: the way to sign-in takes
		// the place of the page that needed a session.
		b := open(t, d)
		b.signIn("viewer") // about:blank, then the sign-in page that became the home page
		check(t, b.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Audit log"}).First().Click(), "to the audit log")
		check(t, expect.Locator(b.heading("Audit log")).ToBeVisible(), "audit log")
		check(t, b.button("Sign out").Click(), "sign out")
		check(t, expect.Page(b.page).ToHaveURL(regexp.MustCompile(`/signin$`)), "signed out")
		_, err = b.page.GoBack()
		check(t, err, "back")
		check(t, expect.Page(b.page).ToHaveURL(regexp.MustCompile(`/signin\?next=%2F$`)), "the home page sends to sign-in, in its place")
		_, err = b.page.GoBack()
		check(t, err, "back again")
		check(t, expect.Page(b.page).ToHaveURL("about:blank"), "Back leaves the panel")

		// A moderator is told how the scope works, the same whether the
		// search matched groups outside it (Ops) or nothing anywhere: a
		// note shown only in the first case would give those groups away.
		s = open(t, d)
		s.signIn("moderator")
		for _, query := range []string{"Ops", "no-such-group-anywhere"} {
			s.visit("/groups?query=" + query)
			check(t, expect.Locator(s.page.GetByText("No group matches")).ToBeVisible(), query+": none in scope")
			check(t, expect.Locator(s.page.GetByText("groups outside it are neither shown nor counted")).ToBeVisible(), query+": the scope note")
		}
		s.noErrors()
	})
}

// Undo from the audit log: the moderator sees the group now and as the undo
// leaves it, confirms, and the group and the log both show it.
func TestUndoFromAuditLog(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		group, name := groupOf(d)
		s.putAttributes(group, map[string]string{"theme": "spring"})
		if st := s.call("PATCH", attrsPath(group), map[string]any{"set": []map[string]string{{"key": "theme", "value": "oops"}}}); st != 200 {
			t.Fatalf("the change to undo: %d", st)
		}
		if st := s.call("PATCH", attrsPath(group), map[string]any{"set": []map[string]string{{"key": "extra", "value": "added later"}}}); st != 200 {
			t.Fatalf("a change after it: %d", st)
		}
		s.visit("/audit?target=" + url.QueryEscape(group))
		entry := s.page.GetByRole("list").Last().GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "Changed attributes"}).Nth(1)
		check(t, expect.Locator(entry).ToContainText(name), "the group's name")
		check(t, entry.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Details of entry"}).Click(), "details")
		check(t, entry.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Undo this change…"}).Click(), "undo")
		dialog := s.page.GetByRole("dialog", playwright.PageGetByRoleOptions{Name: regexp.MustCompile(`^Undo entry \d+: ` + regexp.QuoteMeta(name))})
		check(t, expect.Locator(dialog).ToBeVisible(), "undo dialog")
		now := dialog.GetByRole("heading", playwright.LocatorGetByRoleOptions{Name: "Now"})
		check(t, expect.Locator(now).ToBeVisible(), "now")
		check(t, expect.Locator(dialog.GetByRole("heading", playwright.LocatorGetByRoleOptions{Name: "After the undo"})).ToBeVisible(), "after the undo")
		check(t, expect.Locator(dialog).ToContainText("oops"), "the value now")
		check(t, expect.Locator(dialog).ToContainText("spring"), "the value it puts back")
		// What differs is marked in words on both sides, not only by colour.
		check(t, expect.Locator(dialog.Locator(".changed").Filter(playwright.LocatorFilterOptions{HasText: "oops"})).ToContainText("Changed"), "the value now, marked")
		check(t, expect.Locator(dialog.Locator(".changed").Filter(playwright.LocatorFilterOptions{HasText: "spring"})).ToContainText("Changed"), "the value it puts back, marked")
		since := dialog.GetByRole("region", playwright.LocatorGetByRoleOptions{Name: "Changed since this entry"})
		check(t, expect.Locator(since).ToContainText("extra: added later"), "what changed since")
		s.axeScan("undo dialog")
		check(t, s.page.Keyboard().Press("Escape"), "escape")
		check(t, expect.Locator(dialog).ToHaveCount(0), "Escape closes it, nothing done")
		check(t, entry.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Undo this change…"}).Click(), "undo again")
		check(t, dialog.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Restore the attributes as they were"}).Click(), "confirm")
		check(t, expect.Locator(s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "Undone"})).ToContainText(name), "undone")
		newest := s.page.GetByRole("list").Last().GetByRole("listitem").First()
		check(t, expect.Locator(newest).ToContainText("Undid a change to attributes"), "the undo is in the log")
		check(t, expect.Locator(newest).ToContainText("Done"), "and it worked")
		if got := s.attributes(group); got["theme"] != "spring" || len(got) != 1 {
			t.Fatalf("after undo: %v", got)
		}
		s.visit(editorPath(group))
		check(t, expect.Locator(s.page.GetByLabel("Value of row 1")).ToHaveValue("spring"), "the group shows it")
		s.noErrors()
	})
}
