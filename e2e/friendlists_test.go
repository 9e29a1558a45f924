package e2e

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// friendListsPath is the friend lists page of a user.
func friendListsPath(user string) string { return "/friend-lists?user=" + url.QueryEscape(user) }

// A moderator goes from a user's conversation groups to her friend lists in
// one step, sees the lists with their members and the friends in no list,
// creates two lists at once with friends picked and a typed person who is
// not a friend (refused on that row alone), moves friends into and out of a
// list, renames one (made as create and delete), deletes both after a
// confirmation naming them, and finds every change in the audit log.
func TestFriendListsFlows(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		s := open(t, d)
		s.signIn("moderator")
		club, clubJP := "Club "+d.name, "クラブ "+d.name

		// 1. From the user's conversation groups to her friend lists.
		s.visit(convGroupsPath("alice"))
		s.loaded("conversation groups")
		s.follow("Friend lists of Alice Walker · alice", "Friend lists of Alice Walker · alice", "friend lists")
		reading := s.region("读书会")
		check(t, expect.Locator(reading.GetByText("李明 · li_ming")).ToBeVisible(), "a member by nickname and ID")
		check(t, expect.Locator(reading.GetByText("2 friends")).ToBeVisible(), "how many")
		friends := s.region("Friends")
		check(t, expect.Locator(friends.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "佐藤花子 · sato_hanako"})).
			ToContainText("In no list"), "a friend in no list")
		check(t, expect.Locator(s.page.GetByText(regexp.MustCompile(`Friend lists: \d+ of 32`))).ToBeVisible(), "32-list limit shown")
		s.inspect("friend lists")

		// 2. Create two lists, with the live byte counter, a friend picked
		// and a typed person who is not her friend.
		create := s.region("Create friend lists")
		name := typeTooLong(t, create, strings.Repeat("界", 10)+"x", "31 / 30 bytes", "Create the list")
		check(t, name.Fill(club), "first name")
		check(t, roleButton(create, "Add another name").Click(), "add the name")
		check(t, name.Fill(clubJP), "second name")
		pickAndType(t, create, "佐藤花子 · sato_hanako", "Or put someone in by user ID", "wang_fang", "Add to the new lists")
		check(t, roleButton(create, "Create 2 lists").Click(), "create")
		s.saysPartly("1 of 2 friends could not be changed; the others were.", "wang_fang: Not a friend of this user")
		check(t, expect.Locator(s.region(club).GetByText("佐藤花子 · sato_hanako")).ToBeVisible(), "the friend is in the first list")
		check(t, expect.Locator(s.region(clubJP).GetByText("佐藤花子 · sato_hanako")).ToBeVisible(), "and in the second")

		// 3. Move chosen friends into a list and one out of it.
		check(t, friends.GetByLabel("Choose 김민준 · kim_minjun").Check(), "choose a friend")
		selectOption(t, friends.GetByLabel("List", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}), club)
		check(t, roleButton(friends, "Add the chosen friends to "+club).Click(), "move in")
		check(t, expect.Locator(s.region(club).GetByText("김민준 · kim_minjun")).ToBeVisible(), "moved in")
		check(t, roleButton(s.region(club), "Remove 佐藤花子 · sato_hanako from "+club).Click(), "take one out")
		check(t, expect.Locator(s.region(club).GetByText("佐藤花子 · sato_hanako")).ToHaveCount(0), "taken out")
		check(t, expect.Locator(s.region(clubJP).GetByText("佐藤花子 · sato_hanako")).ToBeVisible(), "still in the other list")

		// 5. Rename, said for what it is.
		renamed := club + " ✓"
		check(t, roleButton(s.region(club), "Rename "+club).Click(), "rename")
		check(t, expect.Locator(s.page.GetByText("Tencent Cloud Chat cannot rename a list")).ToBeVisible(), "how a rename is made")
		check(t, s.page.GetByLabel("New name for "+club).Fill(renamed), "new name")
		check(t, s.button("Save name").Click(), "save")
		check(t, expect.Locator(s.region(renamed).GetByText("김민준 · kim_minjun")).ToBeVisible(), "renamed, friends kept")
		check(t, expect.Locator(s.region(club)).ToHaveCount(0), "the old name is gone")

		// 4. Delete both, after a confirmation that names them.
		del := s.region("Delete friend lists")
		check(t, del.GetByLabel(renamed+" (1 friend)").Check(), "pick one")
		check(t, del.GetByLabel(clubJP+" (1 friend)").Check(), "pick the other")
		check(t, roleButton(del, "Delete the chosen lists (2)…").Click(), "delete")
		dialog := s.page.GetByRole("alertdialog")
		check(t, expect.Locator(dialog).ToContainText("Delete 2 friend lists?"), "how many")
		check(t, expect.Locator(dialog).ToContainText(clubJP+" (1 friend)"), "names each with its friends")
		check(t, expect.Locator(dialog).ToContainText("The friends stay friends"), "friends stay")
		s.axeScan("delete dialog")
		check(t, roleButton(dialog, "Delete 2 lists").Click(), "confirm")
		check(t, expect.Locator(s.region(clubJP)).ToHaveCount(0), "deleted")
		check(t, expect.Locator(friends.GetByText("김민준 · kim_minjun")).ToBeVisible(), "still a friend")

		s.visit("/audit?target=alice")
		s.loaded("audit")
		for _, a := range []string{"Created friend lists", "Changed a friend list", "Renamed a friend list", "Deleted friend lists"} {
			entry := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: a}).First()
			check(t, expect.Locator(entry).ToBeVisible(), "audit: "+a)
		}
		entry := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "Deleted friend lists"}).First()
		check(t, entry.GetByRole("button").First().Click(), "details")
		check(t, expect.Locator(entry).ToContainText(clubJP+" (1 friend)"), "the lists before")
		s.noErrorsBut("400")
	})
}

// A viewer sees the lists and no write control.
func TestFriendListsViewer(t *testing.T) {
	forEachDevice(t, func(t *testing.T, d device) {
		v := openPage(t, d, "viewer", friendListsPath("alice"), "Friend lists of Alice Walker · alice", "viewer page")
		v.readOnly("Your account can view this user's friend lists but not change them.")
		check(t, expect.Locator(v.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Rename"})).ToHaveCount(0), "no rename")
		check(t, expect.Locator(v.region("Create friend lists")).ToHaveCount(0), "no create")
		v.noErrors()
	})
}

// Tencent's write conflict (30008) on a move is repeated by the panel, which
// may repeat it; an internal error (30006) on a create is said in plain
// words, and both are in the audit log.
func TestFriendListsTencentFaults(t *testing.T) {
	s := openOn(t, desktop, suite.live)
	s.signIn("admin")
	s.visit(friendListsPath("alice"))
	s.loaded("friend lists")

	inject(t, `{"command":"friend_update","kind":"error","errorCode":30008,"times":1}`)
	friends := s.region("Friends")
	check(t, friends.GetByLabel("Choose 김민준 · kim_minjun").Check(), "choose")
	selectOption(t, friends.GetByLabel("List", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}), "Family")
	check(t, roleButton(friends, "Add the chosen friends to Family").Click(), "move in")
	check(t, expect.Locator(s.region("Family").GetByText("김민준 · kim_minjun")).ToBeVisible(), "made despite the conflict")

	inject(t, `{"command":"group_add","kind":"error","errorCode":30006}`)
	create := s.region("Create friend lists")
	check(t, create.GetByLabel("Name", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}).Fill("Fault 30006"), "name")
	check(t, roleButton(create, "Create the list").Click(), "create")
	alert := s.page.GetByRole("alert")
	check(t, expect.Locator(alert).ToContainText("Tencent Cloud Chat"), "plain words")
	check(t, expect.Locator(alert).Not().ToContainText("30006"), "no raw code")
	check(t, expect.Locator(alert).ToContainText(regexp.MustCompile(`Request id: [0-9a-f]{16}`)), "request id")

	s.visit("/audit?target=alice")
	s.loaded("audit")
	entry := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "Created friend lists"}).First()
	check(t, entry.GetByRole("button").First().Click(), "details")
	check(t, expect.Locator(entry).ToContainText("Tencent's answer30006"), "Tencent's code recorded")
	moved := s.page.GetByRole("listitem").Filter(playwright.LocatorFilterOptions{HasText: "Changed a friend list"}).First()
	check(t, expect.Locator(moved).ToContainText("Done"), "the move is recorded done")
}

// TestFriendListsScreenshots photographs a user's friend lists at both
// sizes, into SCREENSHOT_DIR when set (make screenshots), else a temporary
// folder.
func TestFriendListsScreenshots(t *testing.T) {
	photographNamed(t, friendListsPath("alice"), "Friend lists of Alice Walker · alice", "Create friend lists", "friendlists")
}
