package sqlite

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/imdesk/imdesk/server/api"
)

func TestGroupSearch(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	groups := []IndexedGroup{
		{ID: "@TGS#1aaa", Name: "北京读书会 Readers", Type: "Public", MemberCount: 3},
		{ID: "@TGS#1bbb", Name: "東京の写真部", Type: "Private"},
		{ID: "@TGS#2ccc", Name: "서울 등산 모임", Type: "Community"},
		{ID: "@TGS#2ddd", Name: "Book club 100%", Type: "Public"},
		{ID: "team_x", Name: "Team X", Type: "Work"},
		// A name and IDs in both cases starting with the same word.
		{ID: "TRAIL-b", Name: "Hiking", Type: "Meeting"},
		{ID: "trail-a", Name: "Trail runners", Type: "Meeting"},
		{ID: "@TGS#3eee", Name: "trail mix", Type: "Meeting"},
	}
	if err := d.FillGroupIndex(ctx, slices.Values(groups), 2); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []searchCase{
		{"CJK substring", GroupSearch{Text: "读书会"}, []string{"@TGS#1aaa"}, 1},
		{"Japanese substring", GroupSearch{Text: "の写真"}, []string{"@TGS#1bbb"}, 1},
		{"Korean substring", GroupSearch{Text: "등산 모"}, []string{"@TGS#2ccc"}, 1},
		{"short CJK substring", GroupSearch{Text: "北京"}, []string{"@TGS#1aaa"}, 1},
		{"Latin, any case", GroupSearch{Text: "READ"}, []string{"@TGS#1aaa"}, 1},
		{"percent is literal", GroupSearch{Text: "0%"}, []string{"@TGS#2ddd"}, 1},
		{"ID prefix", GroupSearch{Text: "@TGS#2"}, []string{"@TGS#2ccc", "@TGS#2ddd"}, 2},
		{"exact ID", GroupSearch{Text: "team_x"}, []string{"team_x"}, 1},
		{"ID in another case", GroupSearch{Text: "@tgs#1AAA"}, []string{"@TGS#1aaa"}, 1},
		{"ID without @TGS#", GroupSearch{Text: "2DdD"}, []string{"@TGS#2ddd"}, 1},
		{"ID prefix without @TGS#", GroupSearch{Text: "1"}, []string{"@TGS#1aaa", "@TGS#1bbb", "@TGS#2ddd"}, 3},
		{"type", GroupSearch{Types: []string{"Public"}}, []string{"@TGS#1aaa", "@TGS#2ddd"}, 2},
		{"both names of a type", GroupSearch{Types: []string{"Private", "Work"}}, []string{"@TGS#1bbb", "team_x"}, 2},
		{"scope", GroupSearch{Only: []string{"team_x", "@TGS#2ddd"}}, []string{"@TGS#2ddd", "team_x"}, 2},
		{"empty scope", GroupSearch{Only: []string{}}, []string{}, 0},
		{"page after a cursor", GroupSearch{After: "@TGS#1bbb", Limit: 2}, []string{"@TGS#2ccc", "@TGS#2ddd"}, 8},
		{"name or ID, once each, in byte order", GroupSearch{Text: "trail"}, []string{"@TGS#3eee", "TRAIL-b", "trail-a"}, 3},
		{"name or ID, a page", GroupSearch{Text: "Trail", Limit: 2}, []string{"@TGS#3eee", "TRAIL-b"}, 3},
		{"name or ID, the next page", GroupSearch{Text: "TRAIL", After: "TRAIL-b", Limit: 2}, []string{"trail-a"}, 3},
		{"no match", GroupSearch{Text: "nothing like it"}, []string{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, d) })
	}
}

// TestGroupRounds: a round lists groups (pending until described), resumes
// from its stored cursor, and at its end drops the groups it did not list.
func TestGroupRounds(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	if err := d.ListGroups(ctx, 1, []string{"a", "b"}, 2, 3); err != nil {
		t.Fatal(err)
	}
	st, err := d.GroupIndexState(ctx)
	if err != nil || st.Next != 2 || st.ListDone || st.Round != 1 || st.Total != 3 {
		t.Fatalf("state after a page: %+v %v", st, err)
	}
	if err := d.ListGroups(ctx, 1, []string{"c"}, 0, 3); err != nil {
		t.Fatal(err)
	}
	pending, err := d.PendingGroups(ctx, 10)
	if err != nil || len(pending) != 3 {
		t.Fatalf("pending %v %v", pending, err)
	}
	if err := d.DescribeGroups(ctx, 1, []IndexedGroup{{ID: "a", Name: "A", Type: "Public"}, {ID: "c", Name: "C", Type: "Public"}}, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	if all, described, err := d.CountGroups(ctx); err != nil || all != 2 || described != 2 {
		t.Fatalf("count %d %d %v", all, described, err)
	}
	if err := d.FinishGroupRound(ctx, now); err != nil {
		t.Fatal(err)
	}
	// Round 2 lists only c: a was dismissed.
	if err := d.ListGroups(ctx, 2, []string{"c"}, 0, 1); err != nil {
		t.Fatal(err)
	}
	if err := d.DescribeGroups(ctx, 2, []IndexedGroup{{ID: "c", Name: "C", Type: "Public"}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := d.FinishGroupRound(ctx, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, _, err := d.SearchGroups(ctx, GroupSearch{Limit: 10})
	if err != nil || len(got) != 1 || got[0].ID != "c" {
		t.Fatalf("after round 2: %+v %v", got, err)
	}
	st, err = d.GroupIndexState(ctx)
	if err != nil || st.Round != 3 || !st.Refreshed.Equal(now.Add(time.Minute)) || st.Next != 0 {
		t.Fatalf("state after round 2: %+v %v", st, err)
	}
}

// A common word (more matches than the trigram index drives) walks the
// groups in ID order: the same pages and the count stops at its cap, both
// where the walk checks the set of matches (up to ftsSetMax of them) and
// where it checks each name; with a type filter the count is taken.
func TestGroupSearchCommonWord(t *testing.T) {
	for _, n := range []int{ftsDriveMax + MaxCountedMatches/2, ftsSetMax + MaxCountedMatches/2} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			d := openTest(t)
			ctx := context.Background()
			err := d.FillGroupIndex(ctx, func(yield func(IndexedGroup) bool) {
				for i := range n {
					typ := "Public"
					if i%20 == 0 {
						typ = "Work"
					}
					if !yield(IndexedGroup{ID: fmt.Sprintf("g%05d", n-i), Name: fmt.Sprintf("Common 社团 %d", i), Type: typ}) {
						return
					}
				}
				// An ID starting with the text is found beside the names.
				yield(IndexedGroup{ID: "社团x", Name: "Other", Type: "Work"})
			}, 500)
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range []string{"common", "社团", "n 社团"} {
				got, total, err := d.SearchGroups(ctx, GroupSearch{Text: text, After: "g00002", Limit: 2})
				if err != nil {
					t.Fatal(err)
				}
				if total != MaxCountedMatches+1 || len(got) != 2 || got[0].ID != "g00003" || got[1].ID != "g00004" {
					t.Fatalf("%s: %+v total %d", text, got, total)
				}
			}
			// 1 in 20 is of type Work, the n-th from the end of IDs first.
			got, total, err := d.SearchGroups(ctx, GroupSearch{Text: "社团", Types: []string{"Work"}, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			want := min((n+19)/20+1, MaxCountedMatches+1)
			if total != want || len(got) != 2 || got[0].ID != fmt.Sprintf("g%05d", n-((n-1)/20)*20) {
				t.Fatalf("type filter: %+v total %d, want %d", got, total, want)
			}
			got, total, err = d.SearchGroups(ctx, GroupSearch{Text: "common 社", Types: []string{"Work"}, After: got[1].ID, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if total != min((n+19)/20, MaxCountedMatches+1) || len(got) != 1 {
				t.Fatalf("type filter after a cursor: %+v total %d", got, total)
			}
			// A value filter is counted too: 1 in 50 is gold.
			var gold []GroupValues
			for i := 0; i < n; i += 50 {
				gold = append(gold, GroupValues{ID: fmt.Sprintf("g%05d", n-i), Attrs: []api.Attr{{Key: "tier", Value: "gold"}}})
			}
			if err := d.PutGroupValues(ctx, []string{"tier"}, gold, time.Now()); err != nil {
				t.Fatal(err)
			}
			if _, total, err = d.SearchGroups(ctx, GroupSearch{Text: "common", Attr: &api.Attr{Key: "tier", Value: "gold"}, Limit: 2}); err != nil ||
				total != min((n+49)/50, MaxCountedMatches+1) {
				t.Fatalf("value filter: total %d %v", total, err)
			}
			// A value every group has: looked up group by group beyond
			// ftsSetMax of them, as a set below.
			every := make([]GroupValues, n)
			for i := range n {
				every[i] = GroupValues{ID: fmt.Sprintf("g%05d", n-i), Attrs: []api.Attr{{Key: "muted", Value: "true"}}}
			}
			if err := d.PutGroupValues(ctx, []string{"muted", "tier"}, every, time.Now()); err != nil {
				t.Fatal(err)
			}
			muted := &api.Attr{Key: "muted", Value: "true"}
			got, total, err = d.SearchGroups(ctx, GroupSearch{Attr: muted, After: "g00002", Limit: 2})
			if err != nil || total != MaxCountedMatches+1 || len(got) != 2 || got[0].ID != "g00003" || got[1].ID != "g00004" {
				t.Fatalf("a common value: %+v total %d %v", got, total, err)
			}
			if _, total, err = d.SearchGroups(ctx, GroupSearch{Attr: muted, Types: []string{"Work"}, Limit: 2}); err != nil || total != min((n+19)/20, MaxCountedMatches+1) {
				t.Fatalf("a common value of a type: total %d %v", total, err)
			}
		})
	}
}

// Searches of one or two characters look names up in the index of
// character pairs (migration 0005) rather than reading every group: a rare
// word, a common one and one no name holds, in any script and any letter
// case, with a type filter and a cursor; the index follows renames,
// removals and dismissals.
func TestGroupSearchShort(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	types := []string{"Public", "Private", "Work"}
	var groups []IndexedGroup
	for i := range 3000 {
		name := fmt.Sprintf("上海读书会 Maple %d", i)
		if i%500 == 7 {
			name = fmt.Sprintf("桂林同好会 %d", i)
		}
		groups = append(groups, IndexedGroup{ID: fmt.Sprintf("g%04d", i), Name: name, Type: types[i%3]})
	}
	groups = append(groups,
		IndexedGroup{ID: "k1", Name: "서울 등산 모임", Type: "Community"},
		IndexedGroup{ID: "j1", Name: "東京の写真部", Type: "Private"},
		IndexedGroup{ID: "e1", Name: "ΩΜΈΓΑ C#", Type: "Public"},
	)
	if err := d.FillGroupIndex(ctx, slices.Values(groups), 1000); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []searchCase{
		{"rare CJK pair", GroupSearch{Text: "桂林"}, []string{"g0007", "g0507", "g1007", "g1507", "g2007", "g2507"}, 6},
		{"rare pair of a type", GroupSearch{Text: "桂林", Types: []string{"Private"}}, []string{"g0007", "g1507"}, 2},
		{"rare pair after a cursor", GroupSearch{Text: "桂林", After: "g1007", Limit: 2}, []string{"g1507", "g2007"}, 6},
		{"rare pair of a type after a cursor", GroupSearch{Text: "林同", Types: []string{"Public", "Work"}, After: "g0507", Limit: 2}, []string{"g1007", "g2007"}, 4},
		{"common CJK pair", GroupSearch{Text: "读书", Limit: 3}, []string{"g0000", "g0001", "g0002"}, MaxCountedMatches + 1},
		{"common pair of a type after a cursor", GroupSearch{Text: "海读", Types: []string{"Work"}, After: "g0002", Limit: 2}, []string{"g0005", "g0008"}, 998},
		{"pair no name holds", GroupSearch{Text: "台灣"}, []string{}, 0},
		{"pair no name holds, of a type", GroupSearch{Text: "台灣", Types: []string{"Public"}}, []string{}, 0},
		{"Hangul pair", GroupSearch{Text: "등산"}, []string{"k1"}, 1},
		{"kana and kanji", GroupSearch{Text: "の写"}, []string{"j1"}, 1},
		{"the last pair", GroupSearch{Text: "真部"}, []string{"j1"}, 1},
		{"pair any case", GroupSearch{Text: "ωμ"}, []string{"e1"}, 1},
		{"Latin pair any case", GroupSearch{Text: "MA", Limit: 1}, []string{"g0000"}, MaxCountedMatches + 1},
		{"pair with punctuation", GroupSearch{Text: "c#"}, []string{"e1"}, 1},
		{"pair with a quote", GroupSearch{Text: `c"`}, []string{}, 0},
		{"pair and ID prefix", GroupSearch{Text: "j1"}, []string{"j1"}, 1},
		{"one character, rare", GroupSearch{Text: "桂"}, []string{"g0007", "g0507", "g1007", "g1507", "g2007", "g2507"}, 6},
		{"one character, the last of a name", GroupSearch{Text: "部"}, []string{"j1"}, 1},
		{"one character before a space", GroupSearch{Text: "울"}, []string{"k1"}, 1},
		{"one character any case", GroupSearch{Text: "γ"}, []string{"e1"}, 1},
		{"one character, common", GroupSearch{Text: "会", Types: []string{"Work"}, After: "g0002", Limit: 1}, []string{"g0005"}, MaxCountedMatches},
		{"one character no name holds", GroupSearch{Text: "鬼"}, []string{}, 0},
		{"one character, an ID's start", GroupSearch{Text: "k"}, []string{"k1"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if table, _ := nameIndex(tc.s.Text); table != "group_index_pairs" {
				t.Fatalf("%q is looked up in %q", tc.s.Text, table)
			}
			tc.check(t, d)
		})
	}

	// The index follows the groups: a rename, a removal, a dismissal.
	if err := d.DescribeGroups(ctx, 1, []IndexedGroup{{ID: "k1", Name: "부산 등산 모임", Type: "Community"}}, []string{"j1"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := searchIDs(t, d, GroupSearch{Text: "서울"}); len(got) != 0 {
		t.Errorf("the old name still matches: %v", got)
	}
	if got, _ := searchIDs(t, d, GroupSearch{Text: "부산"}); !slices.Equal(got, []string{"k1"}) {
		t.Errorf("the new name: %v", got)
	}
	if got, _ := searchIDs(t, d, GroupSearch{Text: "の写"}); len(got) != 0 {
		t.Errorf("a removed group: %v", got)
	}
	// Round 2 lists only k1.
	if err := d.FinishGroupRound(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := d.ListGroups(ctx, 2, []string{"k1"}, 0, 1); err != nil {
		t.Fatal(err)
	}
	if err := d.DescribeGroups(ctx, 2, []IndexedGroup{{ID: "k1", Name: "부산 등산 모임", Type: "Community"}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := d.FinishGroupRound(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, total := searchIDs(t, d, GroupSearch{Text: "桂林"}); len(got) != 0 || total != 0 {
		t.Errorf("dismissed groups: %v (total %d)", got, total)
	}
	if got, _ := searchIDs(t, d, GroupSearch{Text: "등"}); !slices.Equal(got, []string{"k1"}) {
		t.Errorf("the group listed again: %v", got)
	}
	checkNameIndexes(t, d)
}

// checkNameIndexes runs FTS5's integrity check on both name indexes (the
// trigram index against the groups' names) on SQLite.
func checkNameIndexes(t *testing.T, d *DB) {
	t.Helper()
	if d.pg {
		return // PostgreSQL's indexes are kept with the table
	}
	for _, table := range []string{"group_index_names", "group_index_pairs"} {
		if _, err := d.db.Exec(`INSERT INTO ` + table + `(` + table + `) VALUES ('integrity-check')`); err != nil {
			t.Errorf("%s: %v", table, err)
		}
	}
}

// The values of described keys: a search keeps the groups whose value is
// the one asked, alone or with text, a type, a scope and a cursor; a
// reading replaces what the index held of a group and says when it was
// made, a change made through the panel updates the keys it names, and a
// dismissed group takes its values with it.
func TestGroupSearchByValue(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	keys := []string{"muted", "tier"}
	gold, silver := []api.Attr{{Key: "tier", Value: "gold"}}, []api.Attr{{Key: "tier", Value: "silver"}, {Key: "muted", Value: "true"}, {Key: "note", Value: "x"}}
	if err := d.ListGroups(ctx, 1, []string{"a", "b", "c", "d"}, 0, 4); err != nil {
		t.Fatal(err)
	}
	err := d.DescribeGroups(ctx, 1, []IndexedGroup{{ID: "a", Name: "Alpha club", Type: "Public"},
		{ID: "b", Name: "Beta club", Type: "Work"}, {ID: "c", Name: "Gamma club", Type: "Public"}, {ID: "d", Name: "Delta", Type: "Public"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	stale := func(before time.Time) []string {
		t.Helper()
		ids, err := d.StaleGroupValues(ctx, 10, before)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := stale(t0); len(got) != 4 {
		t.Fatalf("never read: %v", got)
	}
	if err := d.PutGroupValues(ctx, keys, []GroupValues{{ID: "a", Attrs: gold}, {ID: "b", Attrs: gold}, {ID: "c", Attrs: silver}}, t0); err != nil {
		t.Fatal(err)
	}
	if err := d.PutGroupValues(ctx, keys, []GroupValues{{ID: "d"}}, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := stale(t0.Add(time.Second)); !slices.Equal(slices.Sorted(slices.Values(got)), []string{"a", "b", "c"}) {
		t.Fatalf("read before t0+1s: %v", got)
	}
	if got := stale(t0.Add(time.Hour)); len(got) != 4 || got[3] != "d" {
		t.Fatalf("oldest reading first: %v", got)
	}
	tier := func(v string) *api.Attr { return &api.Attr{Key: "tier", Value: v} }
	for _, tc := range []searchCase{
		{"value alone", GroupSearch{Attr: tier("gold")}, []string{"a", "b"}, 2},
		{"another key", GroupSearch{Attr: &api.Attr{Key: "muted", Value: "true"}}, []string{"c"}, 1},
		{"a key not asked for is not kept", GroupSearch{Attr: &api.Attr{Key: "note", Value: "x"}}, []string{}, 0},
		{"with text", GroupSearch{Text: "club", Attr: tier("silver")}, []string{"c"}, 1},
		{"with a type", GroupSearch{Types: []string{"Work"}, Attr: tier("gold")}, []string{"b"}, 1},
		{"with a scope", GroupSearch{Only: []string{"b", "c"}, Attr: tier("gold")}, []string{"b"}, 1},
		{"after a cursor", GroupSearch{After: "a", Attr: tier("gold")}, []string{"b"}, 2},
		{"no group has it", GroupSearch{Attr: tier("bronze")}, []string{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, d)
		})
	}

	// The next reading says what a group holds now; a description leaves
	// the values as they were.
	if err := d.PutGroupValues(ctx, keys, []GroupValues{{ID: "a", Attrs: silver}, {ID: "b"}}, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := d.DescribeGroups(ctx, 1, []IndexedGroup{{ID: "c", Name: "Gamma club", Type: "Public"}}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := searchIDs(t, d, GroupSearch{Attr: tier("gold")}); len(got) != 0 {
		t.Errorf("gold after a and b changed: %v", got)
	}
	if got, _ := searchIDs(t, d, GroupSearch{Attr: tier("silver")}); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("silver: %v", got)
	}
	// A change through the panel: the keys it names, nothing else.
	if err := d.PutGroupAttrs(ctx, "c", []string{"tier"}, []api.Attr{{Key: "tier", Value: "gold"}, {Key: "muted", Value: "false"}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := searchIDs(t, d, GroupSearch{Attr: tier("gold")}); !slices.Equal(got, []string{"c"}) {
		t.Errorf("gold after the change of c: %v", got)
	}
	if got, _ := searchIDs(t, d, GroupSearch{Attr: &api.Attr{Key: "muted", Value: "true"}}); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("a key the change did not name: %v", got)
	}
	if err := d.PutGroupAttrs(ctx, "a", []string{"tier"}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := searchIDs(t, d, GroupSearch{Attr: tier("silver")}); len(got) != 0 {
		t.Errorf("a removed key still found: %v", got)
	}
	// A group the index does not hold is left to the crawler.
	if err := d.PutGroupAttrs(ctx, "zz", []string{"tier"}, gold); err != nil {
		t.Fatal(err)
	}
	if err := d.PutGroupValues(ctx, keys, []GroupValues{{ID: "zz", Attrs: gold}}, t0); err != nil {
		t.Fatal(err)
	}
	// A dismissed group's values go with it.
	if err := d.FinishGroupRound(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := d.ListGroups(ctx, 2, []string{"a", "d"}, 0, 2); err != nil {
		t.Fatal(err)
	}
	if err := d.FinishGroupRound(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := d.db.QueryRow(`SELECT count(*) FROM group_index_attrs WHERE group_id IN ('c', 'zz')`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("%d values of groups not in the index (%v)", rows, err)
	}
}

// searchCase is a search and what it finds: the IDs of the page, in
// order, and the total.
type searchCase struct {
	name  string
	s     GroupSearch
	want  []string
	total int
}

// check runs the search on d.
func (tc searchCase) check(t *testing.T, d *DB) {
	t.Helper()
	if got, total := searchIDs(t, d, tc.s); !slices.Equal(got, tc.want) || total != tc.total {
		t.Errorf("got %v (total %d), want %v (total %d)", got, total, tc.want, tc.total)
	}
}

// searchIDs searches d (10 groups a page unless s says) and returns the
// IDs found, in order, and the total.
func searchIDs(t testing.TB, d *DB, s GroupSearch) ([]string, int) {
	t.Helper()
	if s.Limit == 0 {
		s.Limit = 10
	}
	got, total, err := d.SearchGroups(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return ids(got), total
}

// ids are the IDs of groups, in order.
func ids(gs []IndexedGroup) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.ID)
	}
	return out
}
