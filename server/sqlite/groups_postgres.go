package sqlite

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// searchGroupsPostgres is SearchGroups on PostgreSQL. Text is looked up
// with the indexes of migrations/postgres 0004, 0005 and 0007: names
// holding three characters or more by trigram (pg_trgm, on the name in
// lower case), one or two characters by the array of a name's characters
// and pairs (grams), and IDs by prefix in lower case. The
// planner chooses between letting the matches drive and walking the ID
// index, which SQLite's search decides itself.
func (d *DB) searchGroupsPostgres(ctx context.Context, s GroupSearch) ([]IndexedGroup, int, error) {
	var conds []string
	var args []any
	if text := strings.TrimSpace(s.Text); text != "" {
		lower := strings.ToLower(text)
		name := `lower(g.name) LIKE ? ESCAPE '\'`
		nameArg := any("%" + likeEscaper.Replace(lower) + "%")
		if n := utf8.RuneCountInString(text); n < minTrigram && utf8.ValidString(text) &&
			!strings.ContainsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			name, nameArg = `g.grams @> ARRAY[?]::text[]`, lower
		}
		ids := []string{`lower(g.id) LIKE ? ESCAPE '\'`}
		args = append(args, nameArg, likeEscaper.Replace(lower)+"%")
		if !strings.Contains(text, " ") && !strings.HasPrefix(strings.ToUpper(text), tencentGroupPrefix) {
			ids = append(ids, `lower(g.id) LIKE ? ESCAPE '\'`)
			args = append(args, likeEscaper.Replace(strings.ToLower(tencentGroupPrefix)+lower)+"%")
		}
		conds = append(conds, "("+name+" OR "+strings.Join(ids, " OR ")+")")
	}
	if len(s.Types) > 0 {
		conds = append(conds, "g.type = ANY(?)")
		args = append(args, s.Types)
	}
	if s.Only != nil {
		conds = append(conds, "g.id = ANY(?)")
		args = append(args, s.Only)
	}
	if s.Attr != nil {
		conds = append(conds, "EXISTS (SELECT 1 FROM group_index_attrs a WHERE a.group_id = g.id AND a.key = ? AND a.value = ?)")
		args = append(args, s.Attr.Key, s.Attr.Value)
	}
	// Count the matches through the indexes, up to MaxCountedMatches+1. The
	// planner cannot tell a rare word from a common one (an array's
	// contents have no useful statistics): left to itself it walks the ID
	// index for a page, which finds a common word's page at once but
	// reads every group for a rare one. So: few matches are read and
	// sorted (an ORDER BY the index cannot answer), many are met by the
	// walk.
	where := whereOf(conds)
	var n int
	if err := d.search.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM group_index g`+where+` LIMIT ?) m`,
		append(append([]any{}, args...), MaxCountedMatches+1)...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("count groups: %w", err)
	}
	order := "g.id"
	if n <= MaxCountedMatches && len(conds) > 0 {
		order = "g.id || ''"
	}
	if s.After != "" {
		conds = append(conds, "g.id > ?")
		args = append(args, s.After)
	}
	args = append(args, s.Limit)
	out, err := d.groupPage(ctx, `group_index g`+whereOf(conds), order, args)
	return out, n, err
}

// Analyze refreshes the planner's statistics of the group index on
// PostgreSQL (autovacuum does it in time; a bulk fill wants it at once).
func (d *DB) Analyze(ctx context.Context) error {
	if !d.pg {
		return nil
	}
	_, err := d.db.ExecContext(ctx, `ANALYZE group_index`)
	return err
}
