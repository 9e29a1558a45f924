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
	where := whereOf(conds)
	var total int
	if err := d.search.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM group_index g`+where+` LIMIT ?) m`,
		append(append([]any{}, args...), MaxCountedMatches+1)...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count groups: %w", err)
	}
	if s.After != "" {
		conds = append(conds, "g.id > ?")
		args = append(args, s.After)
	}
	args = append(args, s.Limit)
	out, err := d.groupPage(ctx, `group_index g`+whereOf(conds), args)
	return out, total, err
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
