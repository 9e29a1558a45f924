package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// convGroupsPath is the conversation groups page of a user.
func convGroupsPath(user string) string { return "/conversation-groups?user=" + url.QueryEscape(user) }

// region finds a section by its heading.
func (s *session) region(name string) playwright.Locator {
	return s.page.GetByRole("region", playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

func roleButton(l playwright.Locator, name string) playwright.Locator {
	return l.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

// loaded waits until no part of the page says it is loading.
func (s *session) loaded(what string) {
	s.t.Helper()
	check(s.t, expect.Locator(s.page.GetByRole("status").Filter(playwright.LocatorFilterOptions{HasText: "Loading"})).ToHaveCount(0), "loaded "+what)
}

// noSidewaysScroll checks, on a phone, that the page is no wider than the
// screen.
func (s *session) noSidewaysScroll(what string) {
	s.t.Helper()
	if s.device.opts.IsMobile == nil || !*s.device.opts.IsMobile {
		return
	}
	// Against the screen's width, not the page's: a phone browser widens
	// the page to fit content that overflows (clientWidth grows with it).
	v, err := s.page.Evaluate(`document.documentElement.scrollWidth`)
	check(s.t, err, "measure")
	w := 0
	switch n := v.(type) {
	case int:
		w = n
	case float64:
		w = int(n)
	}
	if w > s.device.opts.Viewport.Width {
		s.t.Errorf("%s is %d px wide on a %d px screen: it scrolls sideways", what, w, s.device.opts.Viewport.Width)
	}
}

// noErrorsBut is noErrors for a page that meets refusals by design:
// Chromium logs every answer of the given statuses as an error.
func (s *session) noErrorsBut(statuses ...string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.errors {
		expected := false
		for _, st := range statuses {
			expected = expected || strings.Contains(e, "status of "+st+" ")
		}
		if !expected {
			s.t.Errorf("the page reported an error: %s", e)
		}
	}
}

// A moderator finds a member of their community, sees her conversation
// groups with names and marks, creates, renames, fills, empties and
// deletes a group, marks conversations (one of them failing alone), and
// finds every change in the audit log.
func TestConversationGroupsFlows(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		folder := "Folder " + d.name

		// 1. Find the user: out of scope is refused; members of a group in scope.
		s.visit("/conversation-groups")
		check(t, expect.Locator(s.heading("Conversation groups")).ToBeVisible(), "finder")
		s.inspect("user finder")
		check(t, s.page.GetByLabel("User ID", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill("wang_fang"), "type a user")
		check(t, s.button("Open").Click(), "open")
		check(t, expect.Locator(s.page.GetByRole("alert")).ToContainText(`There is no user "wang_fang" in this app, or not in your account's scope.`), "out of scope")
		s.visit("/conversation-groups")
		check(t, s.page.GetByLabel("Members of a group — Group ID").Fill("@TGS#_trailhead"), "group")
		check(t, s.button("List members").Click(), "list members")

		// 2. Her groups, conversations by name, marks.
		s.follow("Alice Walker · alice", "Conversation groups of Alice Walker · alice", "user page")
		people := s.region("People")
		check(t, expect.Locator(people.GetByText("User Bob Martin · bob")).ToBeVisible(), "a user by nickname")
		check(t, expect.Locator(people.GetByText("Starred")).ToBeVisible(), "a mark")
		check(t, expect.Locator(s.region("Communities").GetByText("Group Trailhead Hikers · @TGS#_trailhead")).ToBeVisible(), "a group by name")
		check(t, expect.Locator(s.page.GetByText(regexp.MustCompile(`Conversation groups: \d+ of 20`))).ToBeVisible(), "20-group limit shown")
		check(t, expect.Locator(s.page.GetByText(regexp.MustCompile(`Conversations in groups or marked: \d+ of 1000`))).ToBeVisible(), "1000 limit shown")
		check(t, expect.Locator(s.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Friend lists of Alice Walker · alice"})).
			ToHaveAttribute("href", "/friend-lists?user=alice"), "link to friend lists")
		s.inspect("conversation groups")

		// 3. Create, with the byte counter, a picked and a typed conversation.
		create := s.region("Create a conversation group")
		name := typeTooLong(t, create, strings.Repeat("é", 16)+"x", "33 / 32 bytes", "Create group")
		check(t, name.Fill(folder), "name")
		check(t, expect.Locator(create.GetByLabel("User 李明 · li_ming")).ToBeVisible(), "offered from her conversation list")
		pickAndType(t, create, "User Carmen Díaz · carmen", "User ID or group ID", "ghost", "Add a conversation")
		check(t, roleButton(create, "Create group").Click(), "create")
		// The typed user who does not exist is refused on its row, with
		// the reason; the group is made with the rest.
		s.saysPartly("1 of 2 conversations could not be changed; the others were.", `User ghost: There is no user "ghost" in this app.`)
		group := s.region(folder)
		check(t, expect.Locator(group.GetByText("User Carmen Díaz · carmen")).ToBeVisible(), "the new group")

		// 4. Rename, add, remove, delete with a confirmation.
		renamed := folder + " ✓"
		check(t, roleButton(group, "Rename "+folder).Click(), "rename")
		check(t, s.page.GetByLabel("New name for "+folder).Fill(renamed), "new name")
		check(t, s.button("Save name").Click(), "save name")
		group = s.region(renamed)
		check(t, expect.Locator(group).ToBeVisible(), "renamed")
		selectOption(t, group.GetByLabel("Conversation with"), "Group")
		check(t, group.GetByLabel("User ID or group ID").Fill("@TGS#2J4SZEAEL"), "group id")
		check(t, roleButton(group, "Add to "+renamed).Click(), "add")
		check(t, expect.Locator(group.GetByText("Group Photography Club 摄影社 · @TGS#2J4SZEAEL")).ToBeVisible(), "added")
		check(t, roleButton(group, "Remove User Carmen Díaz · carmen from the group").Click(), "remove")
		check(t, expect.Locator(group.GetByText("User Carmen Díaz · carmen")).ToHaveCount(0), "removed")

		// 5 and 6. Marks on two conversations; one is in a dismissed group
		// and fails alone.
		marks := s.region("Marks")
		check(t, marks.GetByLabel("Choose Group Photography Club 摄影社 · @TGS#2J4SZEAEL").Check(), "choose")
		selectOption(t, marks.GetByLabel("Conversation with"), "Group")
		check(t, marks.GetByLabel("User ID or group ID").Fill("@TGS#gone"), "a dismissed group")
		check(t, roleButton(marks, "Add a conversation").Click(), "add to the choice")
		check(t, expect.Locator(marks.GetByText("2 chosen")).ToBeVisible(), "two chosen")
		selectOption(t, marks.GetByLabel("Mark", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}), "Unread")
		check(t, roleButton(marks, "Set mark").Click(), "set unread")
		s.saysPartly("1 of 2 conversations could not be changed; the others were.", `Group @TGS#gone: There is no group "@TGS#gone" in this app, or it has been dismissed.`)
		check(t, expect.Locator(s.region(renamed).GetByText("Unread")).ToBeVisible(), "the other is marked")
		custom := marks.GetByLabel("Custom mark", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)})
		check(t, custom.Fill(strings.Repeat("界", 86)), "258 bytes")
		check(t, expect.Locator(marks.GetByText("258 / 256 bytes")).ToBeVisible(), "custom mark counter")
		check(t, expect.Locator(roleButton(marks, "Set custom mark")).ToBeDisabled(), "too long")
		check(t, marks.GetByLabel("Choose Group @TGS#gone").Uncheck(), "only the real one")
		check(t, custom.Fill("vip"), "custom mark")
		check(t, roleButton(marks, "Set custom mark").Click(), "set custom")
		check(t, expect.Locator(s.region(renamed).GetByText("Custom mark: vip")).ToBeVisible(), "custom mark shown")

		check(t, roleButton(s.region(renamed), "Delete "+renamed+"…").Click(), "delete")
		dialog := s.page.GetByRole("alertdialog")
		check(t, expect.Locator(dialog).ToContainText("Delete the conversation group "+renamed+"?"), "names the group")
		check(t, expect.Locator(dialog).ToContainText("The group holds 1 conversation."), "says how many")
		s.axeScan("delete dialog")
		check(t, roleButton(dialog, "Delete "+renamed).Click(), "confirm")
		check(t, expect.Locator(s.page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: renamed})).ToHaveCount(0), "deleted")

		// The audit log has every change.
		s.visit("/audit")
		s.loaded("audit")
		for _, a := range []string{"Created a conversation group", "Changed a conversation group", "Changed conversation marks", "Deleted a conversation group"} {
			entry := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: a}).First()
			check(t, expect.Locator(entry).ToBeVisible(), "audit: "+a)
		}
		s.noErrorsBut("403", "400")
	})
}

// "No such user" is said plainly; a viewer sees no write controls; a user
// opened is offered again as a recent user.
func TestConversationGroupsUsersAndViewer(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := openAt(t, d, "admin", convGroupsPath("nobody"))
		check(t, expect.Locator(s.page.GetByRole("alert")).ToContainText(`There is no user "nobody" in this app.`), "no such user")
		s.noErrorsBut("404")

		v := openPage(t, d, "viewer", convGroupsPath("alice"), "Conversation groups of Alice Walker · alice", "viewer page")
		v.readOnly("Your account can view this user's conversation groups but not change them.")
		for _, name := range []string{"Create group", "Set mark", "Rename People", "Delete People…"} {
			check(t, expect.Locator(v.button(name)).ToHaveCount(0), "no write control "+name)
		}
		v.visit("/conversation-groups")
		check(t, expect.Locator(v.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Alice Walker · alice"})).ToBeVisible(), "recent user")
		v.noErrors()
	})
}

// setEdition makes the live panel's mock a basic (true) or premium app.
func setEdition(t *testing.T, basic bool) {
	t.Helper()
	body := `{"basic":false}`
	if basic {
		body = `{"basic":true}`
	}
	req, err := http.NewRequest(http.MethodPut, suite.live.mockURL+"/control/edition", strings.NewReader(body))
	check(t, err, "edition request")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	check(t, err, "set edition")
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("set edition: %s", resp.Status)
	}
}

// 7. An app whose edition has no conversation groups shows one
// explanation, not a failed form: a live app switched to basic, and
// `imdesk mock --basic` started with the demo data and with a seed of its
// own.
func TestConversationGroupsBasicEdition(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	check(t, os.WriteFile(seed, []byte(`{"users":[{"id":"alice","nick":"Alice Walker"}]}`), 0o600), "seed")
	panels := []struct {
		name string
		args []string
	}{{"switched", nil}, {"mock --basic --demo", []string{"--basic", "--demo"}}, {"mock --basic --seed", []string{"--basic", "--seed", seed}}}
	for _, pc := range panels {
		t.Run(pc.name, func(t *testing.T) {
			p := suite.live
			if pc.args == nil {
				setEdition(t, true)
				t.Cleanup(func() { setEdition(t, false) })
			} else {
				started, stop, err := startMockPanel(os.Getenv("IMDESK_BIN"), pc.args...)
				check(t, err, "start "+pc.name)
				t.Cleanup(stop)
				p = started
			}
			forEachDevice(t, func(t *testing.T, d device) {
				s := openOn(t, d, p)
				s.signIn("admin")
				s.visit(convGroupsPath("alice"))
				check(t, expect.Locator(s.heading("Conversation groups of Alice Walker · alice")).ToBeVisible(), "the user is found")
				check(t, expect.Locator(s.page.GetByText("This app's Tencent Cloud Chat plan does not include conversation groups and conversation marks.")).ToBeVisible(), "explanation")
				check(t, expect.Locator(s.page.GetByRole("alert")).ToHaveCount(0), "not a failure")
				check(t, expect.Locator(s.button("Create group")).ToHaveCount(0), "no form")
				s.axeScan("basic edition")
				s.noErrorsBut("403")
			})
		})
	}
}

// Tencent's internal errors on a change are said in plain words, and the
// audit log records the attempt.
func TestConversationGroupsTencentFaults(t *testing.T) {
	for _, c := range []struct{ code, fault, words, action string }{
		// Twice: after the first, the panel reads the groups again, sees the
		// group not made and makes it once more (server/change.go).
		{"10002", `{"command":"create_contact_group","kind":"error","errorCode":10002,"times":2}`, "Tencent Cloud Chat had a temporary problem. Try again.", "Created a conversation group"},
		{"50004", `{"command":"mark_contact","kind":"error","errorCode":50004}`, "Tencent Cloud Chat", "Changed conversation marks"},
	} {
		t.Run(c.code, func(t *testing.T) {
			s := openOn(t, desktop, suite.live)
			s.signIn("admin")
			s.visit(convGroupsPath("alice"))
			s.loaded("user page")
			inject(t, c.fault)
			if c.code == "10002" {
				create := s.region("Create a conversation group")
				check(t, create.GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}).Fill("Fault "+c.code), "name")
				check(t, roleButton(create, "Create group").Click(), "create")
			} else {
				marks := s.region("Marks")
				check(t, marks.GetByLabel("Choose User Carmen Díaz · carmen").Check(), "choose")
				check(t, roleButton(marks, "Set mark").Click(), "mark")
			}
			alert := s.page.GetByRole("alert")
			check(t, expect.Locator(alert).ToContainText(c.words), "plain words")
			check(t, expect.Locator(alert).ToContainText(regexp.MustCompile(`Request id: [0-9a-f]{16}`)), "request id")
			s.visit("/audit?target=alice")
			s.loaded("audit")
			entry := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: c.action}).First()
			check(t, expect.Locator(entry).ToBeVisible(), "audited")
			check(t, entry.GetByRole("button").First().Click(), "details")
			check(t, expect.Locator(entry).ToContainText("Tencent's answer"+c.code), "Tencent's code recorded")
		})
	}
}

// TestConversationGroupsScreenshots photographs a user's conversation
// groups at both sizes, into SCREENSHOT_DIR when set (`make screenshots`
// writes docs/screenshots for the README), else into a temporary folder.
func TestConversationGroupsScreenshots(t *testing.T) {
	photographNamed(t, convGroupsPath("alice"), "Conversation groups of Alice Walker · alice", "Create a conversation group", "convgroups")
}
