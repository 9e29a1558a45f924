package e2e

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// previewed waits for a job's preview to be done and checks its counts.
func (s *session) previewed(counts ...string) {
	s.t.Helper()
	check(s.t, expect.Locator(s.page.GetByText("Ready to start").First()).ToBeVisible(), "preview done")
	preview := s.region("Preview")
	for _, c := range counts {
		check(s.t, expect.Locator(preview).ToContainText(c), c)
	}
}

// finished waits until the job's page shows it finished: the page reads
// the job again by itself while it runs.
func (s *session) finished() {
	s.t.Helper()
	check(s.t, expect.Locator(s.page.GetByText("Finished").First()).ToBeVisible(), "finished")
}

// resultRow is the row of a group in the job's results.
func (s *session) resultRow(name string) playwright.Locator {
	return s.region("Groups").GetByRole("row").Filter(playwright.LocatorFilterOptions{HasText: name})
}

// A moderator pastes group IDs — one unknown, one outside the scope —,
// sees the preview (one will change, one has the value already, one is
// refused with the reason, two are left out), runs it, downloads the
// results, and undoes it.
func TestBulkChangeByPastedIDs(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		key, value := "e2e_bulk", "on-"+d.name
		// The groups as this test expects them, whatever earlier tests left:
		// the photo club has the value already, 悦享读书会 holds 16 keys (a
		// 17th is refused), Trailhead Hikers two.
		full := map[string]string{}
		for i := range 16 {
			full[fmt.Sprintf("k%02d", i)] = "x"
		}
		s.putAttributes(yuexiang, full)
		s.putAttributes(photo, map[string]string{key: value})
		s.putAttributes(trailhead, map[string]string{"theme": "Night sky 夜空", "season": "autumn"})

		s.visit("/bulk-changes")
		check(t, expect.Locator(s.heading("Bulk changes")).ToBeVisible(), "bulk changes page")
		s.loaded("bulk changes")
		s.inspect("bulk changes, new")
		check(t, s.page.GetByLabel("A list of group IDs").Check(), "by IDs")
		check(t, s.page.GetByLabel("Group IDs, one a line or separated by commas").Fill(
			strings.Join([]string{trailhead, yuexiang, photo, "@TGS#_nope", "@TGS#_machikado"}, "\n")), "paste IDs")
		check(t, s.page.GetByLabel("Key of row 1").Fill(key), "key")
		check(t, s.page.GetByLabel("Value of row 1").Fill(value), "value")
		check(t, s.button("Preview").Click(), "preview")

		check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(`/bulk-changes\?id=\d+$`)), "the job's page")
		s.previewed("Will change: 1", "Already so (nothing to send): 1", "Would be refused: 1", "Left out (unknown or outside your scope): 2",
			"A group can have at most 16 attributes", "Trailhead Hikers")
		// Outside the scope, a group that does not exist is said the same
		// way as one that does: the answer tells nothing of other groups.
		check(t, expect.Locator(s.resultRow("@TGS#_nope")).ToContainText("may not change this group"), "unknown ID left out, with the reason")
		check(t, expect.Locator(s.resultRow("@TGS#_machikado")).ToContainText("may not change this group"), "outside the scope, with the reason")
		s.inspect("bulk change, previewed")
		if st := s.attributes(trailhead); st[key] != "" {
			t.Fatalf("the preview changed a group: %v", st)
		}

		check(t, s.button("Start the bulk change").Click(), "start")
		s.finished()
		check(t, expect.Locator(s.resultRow("Trailhead Hikers")).ToContainText("Changed"), "changed")
		check(t, expect.Locator(s.resultRow("悦享读书会")).ToContainText("A group can have at most 16 attributes"), "refused, with the reason")
		check(t, expect.Locator(s.resultRow("Photography Club")).ToContainText("Already so"), "unchanged")
		check(t, expect.Locator(s.resultRow("Trailhead Hikers").GetByRole("link")).ToHaveText(regexp.MustCompile(`^#\d+$`)), "its audit entry")
		if got := s.attributes(trailhead); got[key] != value || got["theme"] != "Night sky 夜空" {
			t.Fatalf("after the job: %v", got)
		}
		if got := s.attributes(yuexiang); got[key] != "" {
			t.Fatalf("the refused group changed: %v", got)
		}
		s.inspect("bulk change, finished")

		// The results as a file a spreadsheet reads: a byte-order mark, then
		// a row a group.
		_, path := s.download("Download CSV", "download the results")
		f, err := os.Open(path)
		check(t, err, "open the file")
		var rows []string
		for sc := bufio.NewScanner(f); sc.Scan(); {
			rows = append(rows, sc.Text())
		}
		f.Close()
		if len(rows) != 6 || !strings.HasPrefix(rows[0], "\ufeffGroup ID,Group name,") ||
			!strings.Contains(strings.Join(rows, "\n"), trailhead+",Trailhead Hikers,will change,changed,") {
			t.Fatalf("results file: %q", rows)
		}

		// The undo is a bulk change of its own, previewed: it puts back what
		// the job found.
		check(t, s.button("Preview the undo").Click(), "undo")
		check(t, expect.Locator(s.page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Undo of bulk change"})).ToBeVisible(), "the undo's page")
		s.previewed("Will change: 1")
		check(t, s.button("Start the bulk change").Click(), "start the undo")
		s.finished()
		if got := s.attributes(trailhead); got[key] != "" || got["theme"] != "Night sky 夜空" {
			t.Fatalf("after the undo: %v", got)
		}
		s.noErrors()
	})
}

// An admin chooses groups by a search, starts the change, pauses it while
// Tencent is slow to answer, resumes it, and it finishes; the header shows
// it while it is under way.
func TestBulkChangeBySearchPauseResume(t *testing.T) {
	bothSizes(t, func(t *testing.T, d device) {
		s := openOn(t, d, suite.live)
		s.signIn("admin")
		key := "e2e_pause_" + d.name
		s.visit("/bulk-changes")
		s.loaded("bulk changes")
		_, err := s.page.GetByLabel("Group type").SelectOption(playwright.SelectOptionValues{Values: &[]string{"Community"}})
		check(t, err, "Community groups")
		check(t, s.page.GetByLabel("Key of row 1").Fill(key), "key")
		check(t, s.page.GetByLabel("Value of row 1").Fill("30"), "value")
		check(t, s.button("Preview").Click(), "preview")
		s.previewed("Will change: 3")
		check(t, expect.Locator(s.page.GetByText("Every Community group")).ToBeVisible(), "how the groups were chosen")

		// Tencent answers slowly: the job is still running when the
		// moderator pauses it.
		inject(t, `{"command":"modify_group_attr","kind":"latency","latency":"1500ms"}`)
		check(t, s.button("Start the bulk change").Click(), "start")
		check(t, expect.Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: regexp.MustCompile(`^Bulk change \d+: Running`)})).ToBeVisible(), "under way, in the header")
		check(t, s.button("Pause").Click(), "pause")
		check(t, expect.Locator(s.page.GetByText("Paused").First()).ToBeVisible(), "paused")
		s.inspect("bulk change, paused")
		check(t, s.button("Resume").Click(), "resume")
		s.finished()
		for _, name := range []string{"Trailhead Hikers", "悦享读书会", "まちかどカフェ部"} {
			check(t, expect.Locator(s.resultRow(name)).ToContainText("Changed"), name+" changed")
		}
		s.noErrors()
	})
}

// The bulk changes page for the README: a job previewed, at both sizes
// (then cancelled, so that no job is left waiting).
func TestBulkScreenshots(t *testing.T) {
	for _, d := range devices {
		s := openAt(t, d, "moderator", "/bulk-changes")
		s.loaded("bulk changes")
		check(t, s.page.GetByLabel("A list of group IDs").Check(), "by IDs")
		check(t, s.page.GetByLabel("Group IDs, one a line or separated by commas").Fill(trailhead+"\n"+photo+"\n@TGS#_machikado"), "paste IDs")
		check(t, s.page.GetByLabel("Key of row 1").Fill("slowmode"), "key")
		check(t, s.page.GetByLabel("Value of row 1").Fill("30"), "value")
		check(t, s.button("Preview").Click(), "preview")
		s.previewed("Will change")
		s.noSidewaysScroll("a bulk change previewed")
		s.photograph("bulk-" + d.name)
		check(t, s.button("Cancel bulk change").Click(), "cancel")
		check(t, s.button("Yes, cancel it").Click(), "confirm")
		check(t, expect.Locator(s.page.GetByText("Cancelled").First()).ToBeVisible(), "cancelled")
	}
}
