package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// searchGroupsPostgres is SearchGroups on PostgreSQL. Text is looked up
// with the indexes of migrations/postgres 0004, 0005 and 0014: names
// holding three characters or more by trigram (pg_trgm, on the name kept
// in lower case), one or two characters by the array of a name's
// characters and pairs (grams), and IDs by prefix in lower case.
//
// The planner cannot tell a rare word from a common one (pg_trgm
// estimates every pattern alike, and an array's contents have no useful
// statistics): left to itself it read and sorted 5,000 matches for a page
// (40 ms), or walked the whole ID index for a word no name holds. So the
// matches are first counted, up to MaxCountedMatches+1, by name and by ID
// apart, and the page is the first of three arms in ID order: the names'
// matches, read and sorted when they are few, met by walking the ID index
// when they are many; and the IDs starting with the text, with and
// without Tencent's @TGS#, each walked from the least ID that can match
// (idFloor), which the name's walk would reach only after every ID before
// it.
func (d *DB) searchGroupsPostgres(ctx context.Context, s GroupSearch) ([]IndexedGroup, int, error) {
	var rest []sqlPart
	if len(s.Types) > 0 {
		rest = append(rest, sqlPart{"g.type = ANY(?)", []any{s.Types}})
	}
	if s.Only != nil {
		rest = append(rest, sqlPart{"g.id = ANY(?)", []any{s.Only}})
	}
	if s.Attr != nil {
		rest = append(rest, sqlPart{"EXISTS (SELECT 1 FROM group_index_attrs a WHERE a.group_id = g.id AND a.key = ? AND a.value = ?)", []any{s.Attr.Key, s.Attr.Value}})
	}
	var after []sqlPart
	if s.After != "" {
		after = append(after, sqlPart{"g.id > ?", []any{s.After}})
	}
	text := strings.TrimSpace(s.Text)
	if text == "" {
		w := where(rest...)
		var n int
		if err := d.search.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM group_index g`+w.sql+` LIMIT ?) m`,
			append(w.args, MaxCountedMatches+1)...).Scan(&n); err != nil {
			return nil, 0, fmt.Errorf("count groups: %w", err)
		}
		w = where(append(rest, after...)...)
		out, err := d.groupPage(ctx, d.search, `group_index g`+w.sql, "g.id", append(w.args, s.Limit))
		return out, n, err
	}

	lower := strings.ToLower(text)
	// contains is the test of a row; name also finds the matches through an
	// index: the trigrams for three characters or more, the array of a
	// name's characters and pairs for fewer. There, strpos rather than
	// LIKE, so that the planner does not read the whole trigram index
	// for a pattern it cannot look up, and the cheaper test, first.
	contains := sqlPart{`g.name_lower LIKE ? ESCAPE '\'`, []any{"%" + likeEscaper.Replace(lower) + "%"}}
	name := contains
	if n := utf8.RuneCountInString(text); n < minTrigram && utf8.ValidString(text) &&
		!strings.ContainsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		contains = sqlPart{`strpos(g.name_lower, ?) > 0`, []any{lower}}
		name = sqlPart{`(` + contains.sql + ` AND g.grams @> ARRAY[?]::text[])`, []any{lower, lower}}
	}
	prefixes := []string{lower}
	if !strings.Contains(text, " ") && !strings.HasPrefix(strings.ToUpper(text), tencentGroupPrefix) {
		prefixes = append(prefixes, strings.ToLower(tencentGroupPrefix)+lower)
	}
	var ids []sqlPart
	for _, p := range prefixes {
		ids = append(ids, sqlPart{`g.id_lower LIKE ? ESCAPE '\'`, []any{likeEscaper.Replace(p) + "%"}})
	}

	a := where(append([]sqlPart{name}, rest...)...)
	b := where(append([]sqlPart{anyOf(ids...)}, rest...)...)
	var na, n int
	if err := d.search.QueryRowContext(ctx, `WITH
		a AS MATERIALIZED (SELECT g.id FROM group_index g`+a.sql+` LIMIT ?),
		b AS MATERIALIZED (SELECT g.id FROM group_index g`+b.sql+` LIMIT ?)
		SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM (SELECT id FROM a UNION SELECT id FROM b) u)`,
		slices.Concat(a.args, []any{MaxCountedMatches + 1}, b.args, []any{MaxCountedMatches + 1})...).Scan(&na, &n); err != nil {
		return nil, 0, fmt.Errorf("count groups: %w", err)
	}
	n = min(n, MaxCountedMatches+1)
	walkNames := na > MaxCountedMatches

	const cols = `SELECT g.id, g.name, g.type, g.member_count, g.owner FROM group_index g`
	var arms []string
	var args []any
	arm := func(w sqlPart, order string) {
		arms = append(arms, `(`+cols+w.sql+` ORDER BY `+order+` LIMIT ?)`)
		args = slices.Concat(args, w.args, []any{s.Limit})
	}
	if walkNames {
		// The test alone: the walk tests rows, and the planner, which
		// multiplies two conditions' guesses, would take the matches for
		// too few to walk.
		arm(where(slices.Concat([]sqlPart{contains}, rest, after)...), "g.id")
	} else {
		// An order the ID index cannot answer: the matches are read and
		// sorted.
		arm(where(slices.Concat([]sqlPart{name}, rest, after)...), "g.id || ''")
	}
	for i, p := range prefixes {
		w := slices.Concat([]sqlPart{ids[i]}, rest, after)
		if floor, ok := idFloor(p); ok {
			w = append(w, sqlPart{"g.id >= ?", []any{floor}})
		}
		arm(where(w...), "g.id")
	}
	var q querier = d.search
	if walkNames {
		// Without a bitmap of the names' matches, which would read them
		// all, the planner walks the ID index.
		tx, err := d.search.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, 0, fmt.Errorf("search groups: %w", err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `SET LOCAL enable_bitmapscan = off`); err != nil {
			return nil, 0, fmt.Errorf("search groups: %w", err)
		}
		q = tx
	}
	out, err := d.groupPage(ctx, q, `(`+strings.Join(arms, " UNION ")+`) g`, "g.id", append(args, s.Limit))
	return out, n, err
}

// sqlPart is a condition and the values of its parameters.
type sqlPart struct {
	sql  string
	args []any
}

// where joins conditions with AND into a WHERE clause ("" for none).
func where(parts ...sqlPart) sqlPart {
	if len(parts) == 0 {
		return sqlPart{}
	}
	w := joinParts(" AND ", parts)
	return sqlPart{" WHERE " + w.sql, w.args}
}

// anyOf joins conditions with OR.
func anyOf(parts ...sqlPart) sqlPart {
	w := joinParts(" OR ", parts)
	return sqlPart{"(" + w.sql + ")", w.args}
}

func joinParts(sep string, parts []sqlPart) sqlPart {
	var sqls []string
	var args []any
	for _, p := range parts {
		sqls, args = append(sqls, p.sql), append(args, p.args...)
	}
	return sqlPart{strings.Join(sqls, sep), args}
}

// idFloor is the least ID, in byte order, whose lower case starts with
// prefix (in lower case): the prefix with its ASCII letters in upper case,
// which sort before lower case ones and before every other character. It
// is not known (ok false) for a prefix with other than ASCII, where an
// upper case letter may sort after its lower case one.
func idFloor(prefix string) (floor string, ok bool) {
	for i := range len(prefix) {
		if prefix[i] >= utf8.RuneSelf {
			return "", false
		}
	}
	return strings.ToUpper(prefix), true
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
