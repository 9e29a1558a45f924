package e2e

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/imdesk/imdesk/server/tim"
)

// The finder says how complete its index is, finds a group by part of a
// Chinese name, and finds a group created after the index was read by its
// exact ID (the panel asks Tencent, the index does not have it yet).
func TestFinderIndex(t *testing.T) {
	s := openOn(t, desktop, suite.live)
	s.signIn("admin")
	s.visit("/groups")
	s.waitLive()
	status := s.page.Locator("#index-status")
	check(t, expect.Locator(status).ToHaveText(regexp.MustCompile(`^9 groups indexed, refreshed (just now|1 minute ago|\d+ minutes ago)$`)), "index status")
	check(t, expect.Locator(s.button("Refresh the list")).ToBeVisible(), "refresh offered to an admin")

	check(t, s.page.GetByLabel("Group ID or name").Fill("享读书"), "search a CJK substring")
	check(t, s.button("Find").Click(), "find")
	check(t, expect.Locator(s.page.GetByText("1 group found")).ToBeVisible(), "one match")
	check(t, expect.Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "悦享读书会"})).ToBeVisible(), "the reading club")

	// A group made in Tencent after the index was read.
	c, err := tim.New(tim.Config{BaseURL: suite.live.mockURL, SDKAppID: 1400000077,
		SecretKey: "e2e-secret-key-for-the-standalone-mock", Admin: "administrator"})
	check(t, err, "Tencent client")
	const id = "@TGS#e2eNEWGRP"
	if _, err := c.CreateGroup(context.Background(), tim.CreateGroupRequest{Type: "Public", Name: "新しい写真部", GroupID: id}); err != nil {
		t.Fatalf("create the group: %v", err)
	}
	check(t, s.page.GetByLabel("Group ID or name").Fill(id), "search the exact ID")
	check(t, s.button("Find").Click(), "find")
	check(t, expect.Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "新しい写真部"})).ToBeVisible(), "found before the index had it")
	s.axeScan("finder with index status")
	s.noErrors()
}

// A moderator types a group's ID as it comes: without Tencent's @TGS#
// prefix, or in another letter case; the finder finds the group, and the
// note about the account's scope is part of each search's own results.
func TestFinderIDAnyCase(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := openAt(t, d, "moderator", "/groups")
		results := s.page.GetByRole("region", playwright.PageGetByRoleOptions{Name: regexp.MustCompile(`found$`)})
		for _, c := range []struct{ typed, name string }{
			{"2J4SZEAEL", "Photography Club 摄影社"},
			{"2j4szeael", "Photography Club 摄影社"},
			{"@tgs#_TRAILHEAD", "Trailhead Hikers"},
			{"_trailhead", "Trailhead Hikers"},
		} {
			check(t, s.page.GetByLabel("Group ID or name").Fill(c.typed), "type "+c.typed)
			check(t, s.button("Find").Click(), "find "+c.typed)
			check(t, expect.Page(s.page).ToHaveURL(regexp.MustCompile(regexp.QuoteMeta(url.QueryEscape(c.typed))+`$`)), "the search of "+c.typed)
			check(t, expect.Locator(results.GetByText("1 group found", playwright.LocatorGetByTextOptions{Exact: playwright.Bool(true)})).ToBeVisible(), c.typed+": one group")
			check(t, expect.Locator(results.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: c.name})).ToBeVisible(), c.typed+": the group")
			check(t, expect.Locator(results.GetByText("This account sees only the groups in its scope")).ToBeVisible(), c.typed+": the scope note, in this search's results")
		}
		s.axeScan("finder after a search by ID")
		s.noErrors()
	})
}
