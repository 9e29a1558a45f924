package sqlite

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
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
	}
	if err := d.FillGroupIndex(ctx, slices.Values(groups), 2); err != nil {
		t.Fatal(err)
	}
	ids := func(gs []IndexedGroup) []string {
		out := []string{}
		for _, g := range gs {
			out = append(out, g.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		s     GroupSearch
		want  []string
		total int
	}{
		{"CJK substring", GroupSearch{Text: "读书会"}, []string{"@TGS#1aaa"}, 1},
		{"Japanese substring", GroupSearch{Text: "の写真"}, []string{"@TGS#1bbb"}, 1},
		{"Korean substring", GroupSearch{Text: "등산 모"}, []string{"@TGS#2ccc"}, 1},
		{"short CJK substring", GroupSearch{Text: "北京"}, []string{"@TGS#1aaa"}, 1},
		{"Latin, any case", GroupSearch{Text: "READ"}, []string{"@TGS#1aaa"}, 1},
		{"percent is literal", GroupSearch{Text: "0%"}, []string{"@TGS#2ddd"}, 1},
		{"ID prefix", GroupSearch{Text: "@TGS#2"}, []string{"@TGS#2ccc", "@TGS#2ddd"}, 2},
		{"exact ID", GroupSearch{Text: "team_x"}, []string{"team_x"}, 1},
		{"type", GroupSearch{Types: []string{"Public"}}, []string{"@TGS#1aaa", "@TGS#2ddd"}, 2},
		{"both names of a type", GroupSearch{Types: []string{"Private", "Work"}}, []string{"@TGS#1bbb", "team_x"}, 2},
		{"scope", GroupSearch{Only: []string{"team_x", "@TGS#2ddd"}}, []string{"@TGS#2ddd", "team_x"}, 2},
		{"empty scope", GroupSearch{Only: []string{}}, []string{}, 0},
		{"page after a cursor", GroupSearch{After: "@TGS#1bbb", Limit: 2}, []string{"@TGS#2ccc", "@TGS#2ddd"}, 5},
		{"no match", GroupSearch{Text: "nothing like it"}, []string{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.s.Limit == 0 {
				tc.s.Limit = 10
			}
			got, total, err := d.SearchGroups(ctx, tc.s)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tc.want) || total != tc.total {
				t.Errorf("got %v (total %d), want %v (total %d)", ids(got), total, tc.want, tc.total)
			}
		})
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
		})
	}
}
