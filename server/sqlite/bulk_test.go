package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/imdesk/imdesk/server/api"
)

// A job's groups as a scope selects them, on both databases: an empty
// scope (a moderator whose scope lists no groups) selects none, or only
// the groups left out for the job's owner; an empty list of outcomes
// selects none.
func TestBulkItemsByScope(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	id, err := d.CreateBulkJob(ctx, BulkJob{Owner: "mod", Op: api.BulkSet, Change: []byte(`{}`), Source: []byte(`{}`), State: api.BulkPreviewing},
		[]BulkItem{{GroupID: "@a"}, {GroupID: "@b", Plan: api.BulkExcluded, Outcome: api.BulkExcluded}, {GroupID: "@c"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		q    BulkItemQuery
		want string
	}{
		{"all", BulkItemQuery{}, "@a @b @c"},
		{"a scope", BulkItemQuery{Only: []string{"@c"}}, "@c"},
		{"an empty scope", BulkItemQuery{Only: []string{}}, ""},
		{"an empty scope, for the owner", BulkItemQuery{Only: []string{}, OrExcluded: true}, "@b"},
		{"a scope, for the owner", BulkItemQuery{Only: []string{"@a"}, OrExcluded: true}, "@a @b"},
		{"no outcomes", BulkItemQuery{Outcomes: []string{}}, ""},
	} {
		items, err := d.BulkItems(ctx, id, c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.GroupID)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: %v, want %s", c.name, got, c.want)
		}
	}
}
