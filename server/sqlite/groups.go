package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/imdesk/imdesk/server/api"
)

// IndexedGroup is one group of the finder's index.
type IndexedGroup struct {
	ID          string
	Name        string
	Type        string
	MemberCount int
	Owner       string
}

// GroupIndexState is where the crawl of the app's groups stands.
type GroupIndexState struct {
	Round     int64     // the crawl round under way (the first is 1)
	Next      uint64    // get_appid_group_list's cursor in this round; 0 before its first page
	ListDone  bool      // this round's list has been read to its end
	Started   time.Time // when this round began; zero before it has
	Refreshed time.Time // when the last round finished; zero if none has
	Total     int       // Tencent's TotalCount on the last page read
	// RefreshAsked is when a moderator last asked for a new reading; zero
	// if none has.
	RefreshAsked time.Time
}

// GroupIndexState returns the crawl's state.
func (d *DB) GroupIndexState(ctx context.Context) (GroupIndexState, error) {
	var s GroupIndexState
	var next, started, refreshed, asked int64
	err := d.db.QueryRowContext(ctx, `SELECT round, next, list_done, started, refreshed, total, refresh_asked FROM group_index_state`).
		Scan(&s.Round, &next, &s.ListDone, &started, &refreshed, &s.Total, &asked)
	if err != nil {
		return s, fmt.Errorf("read the group index state: %w", err)
	}
	s.Next = uint64(next)
	s.Started, s.Refreshed, s.RefreshAsked = unixOrZero(started), unixOrZero(refreshed), unixOrZero(asked)
	return s, nil
}

// AskGroupRefresh records a moderator's ask for a new reading at now,
// unless one was asked for less than every before (on any replica): then
// ok is false and last says when that was.
func (d *DB) AskGroupRefresh(ctx context.Context, now time.Time, every time.Duration) (last time.Time, ok bool, err error) {
	res, err := d.db.ExecContext(ctx, `UPDATE group_index_state SET refresh_asked = ? WHERE refresh_asked <= ?`,
		now.Unix(), now.Add(-every).Unix())
	if err != nil {
		return time.Time{}, false, fmt.Errorf("ask for a refresh: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return time.Time{}, false, fmt.Errorf("ask for a refresh: %w", err)
	}
	if n == 1 {
		return now, true, nil
	}
	st, err := d.GroupIndexState(ctx)
	return st.RefreshAsked, false, err
}

func unixOrZero(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// StartGroupRound records that the current round began at now, unless it
// already had (a restart resumes the round it was in).
func (d *DB) StartGroupRound(ctx context.Context, now time.Time) error {
	_, err := d.db.ExecContext(ctx, `UPDATE group_index_state SET started = ? WHERE started = 0`, now.Unix())
	return err
}

// ListGroups records one page of get_appid_group_list: each group is named
// by the round (so it is not dismissed at the round's end) and a new one is
// added, pending its description. The page is written in transactions of
// listChunk groups, so that searches are not held up behind one long write;
// the cursor for the next page is stored with the last of them, so a
// restart goes on from the page after it (or reads a half-stored page
// again, which changes nothing).
func (d *DB) ListGroups(ctx context.Context, round int64, ids []string, next uint64, total int) error {
	for start := 0; start == 0 || start < len(ids); start += listChunk {
		chunk := ids[start:min(start+listChunk, len(ids))]
		last := start+listChunk >= len(ids)
		if err := d.listChunk(ctx, round, chunk, last, next, total); err != nil {
			return err
		}
	}
	return nil
}

const listChunk = 1000

func (d *DB) listChunk(ctx context.Context, round int64, ids []string, last bool, next uint64, total int) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const insert, upsert = `INSERT INTO group_index(id, listed_round) VALUES `, `
		ON CONFLICT(id) DO UPDATE SET listed_round = excluded.listed_round`
	if d.pg {
		ids = lastOfEach(ids, func(id string) string { return id })
		if err := insertRows(ctx, tx, insert, len(ids), func(i int) []any { return []any{ids[i], round} }, upsert); err != nil {
			return fmt.Errorf("index groups: %w", err)
		}
	} else if err := listEach(ctx, tx, insert+"(?, ?)"+upsert, ids, round); err != nil {
		return err
	}
	if last {
		done := 0
		if next == 0 {
			done = 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE group_index_state SET next = ?, list_done = ?, total = ?`, int64(next), done, total); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// listEach is listChunk's insert on SQLite: a prepared statement a row.
func listEach(ctx context.Context, tx *txn, q string, ids []string, round int64) error {
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, id := range ids {
		if _, err := stmt.ExecContext(ctx, id, round); err != nil {
			return fmt.Errorf("index group %s: %w", id, err)
		}
	}
	return nil
}

// PendingGroups returns up to n groups listed but not yet described.
func (d *DB) PendingGroups(ctx context.Context, n int) ([]string, error) {
	return queryAll(ctx, d.db, scanString, `SELECT id FROM group_index WHERE info_round < listed_round LIMIT ?`, n)
}

// scanString scans a row of one text column.
func scanString(sc scanner) (string, error) {
	var s string
	return s, sc.Scan(&s)
}

// DescribeGroups stores what get_group_info said of groups in round, and
// removes the groups it said no longer exist.
func (d *DB) DescribeGroups(ctx context.Context, round int64, groups []IndexedGroup, gone []string) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := putGroups(ctx, tx, round, groups); err != nil {
		return err
	}
	for _, id := range gone {
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_index WHERE id = ?`, id); err != nil {
			return fmt.Errorf("drop group %s: %w", id, err)
		}
	}
	return tx.Commit()
}

// PutGroup adds or updates one group, described now: a group found by its
// exact ID before the crawl reached it.
func (d *DB) PutGroup(ctx context.Context, round int64, g IndexedGroup) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := putGroups(ctx, tx, round, []IndexedGroup{g}); err != nil {
		return err
	}
	return tx.Commit()
}

// DropGroup removes a group Tencent says does not exist.
func (d *DB) DropGroup(ctx context.Context, id string) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM group_index WHERE id = ?`, id)
	return err
}

// putGroupsUpsert ends the insert of described groups: a group already
// listed keeps the later of its rounds.
const putGroupsUpsert = `
		ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type, member_count = excluded.member_count,
			owner = excluded.owner, info_round = excluded.info_round,
			listed_round = CASE WHEN group_index.listed_round > excluded.listed_round THEN group_index.listed_round ELSE excluded.listed_round END`

func putGroups(ctx context.Context, tx *txn, round int64, groups []IndexedGroup) error {
	if tx.pg {
		return putGroupsRows(ctx, tx, round, groups)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO group_index(id, name, type, member_count, owner, listed_round, info_round)
		VALUES (?, ?, ?, ?, ?, ?, ?)`+putGroupsUpsert)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, g := range groups {
		if _, err := stmt.ExecContext(ctx, g.ID, g.Name, g.Type, g.MemberCount, g.Owner, round, round); err != nil {
			return fmt.Errorf("index group %s: %w", g.ID, err)
		}
	}
	return nil
}

// putGroupsRows is putGroups on PostgreSQL (see insertRows).
func putGroupsRows(ctx context.Context, tx *txn, round int64, groups []IndexedGroup) error {
	groups = lastOfEach(groups, func(g IndexedGroup) string { return g.ID })
	err := insertRows(ctx, tx, `INSERT INTO group_index(id, name, type, member_count, owner, listed_round, info_round) VALUES `,
		len(groups), func(i int) []any {
			g := groups[i]
			return []any{g.ID, g.Name, g.Type, g.MemberCount, g.Owner, round, round}
		}, putGroupsUpsert)
	if err != nil {
		return fmt.Errorf("index groups: %w", err)
	}
	return nil
}

// insertRows runs insert (… VALUES ) with n rows of values and then tail
// (an upsert), 500 rows to a statement: on PostgreSQL a round trip a row
// is what costs. The rows must name distinct keys (lastOfEach): one
// statement cannot upsert a row twice.
func insertRows(ctx context.Context, tx *txn, insert string, n int, row func(i int) []any, tail string) error {
	for start := 0; start < n; start += 500 {
		end := min(start+500, n)
		var args []any
		for i := start; i < end; i++ {
			args = append(args, row(i)...)
		}
		one := "(?" + strings.Repeat(", ?", len(args)/(end-start)-1) + ")"
		q := insert + one + strings.Repeat(", "+one, end-start-1) + tail
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// lastOfEach keeps the last of the items with the same key, in order.
func lastOfEach[T any](items []T, key func(T) string) []T {
	last := make(map[string]int, len(items))
	for i, it := range items {
		last[key(it)] = i
	}
	var out []T
	for i, it := range items {
		if last[key(it)] == i {
			out = append(out, it)
		}
	}
	return out
}

// GroupValues are the values of described keys read of one group.
type GroupValues struct {
	ID    string
	Attrs []api.Attr // those of the keys asked for; the others are not kept
}

// StaleGroupValues returns up to n groups whose values were read before
// (or never), oldest reading first.
func (d *DB) StaleGroupValues(ctx context.Context, n int, before time.Time) ([]string, error) {
	return queryAll(ctx, d.db, scanString, `SELECT id FROM group_index WHERE values_read < ? ORDER BY values_read LIMIT ?`, before.Unix(), n)
}

// PutGroupValues stores what was read at at of groups: each group's values
// of keys replace every value the index held of it. A group dropped from
// the index meanwhile is left out.
func (d *DB) PutGroupValues(ctx context.Context, keys []string, groups []GroupValues, at time.Time) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, g := range groups {
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_index_attrs WHERE group_id = ?`, g.ID); err != nil {
			return fmt.Errorf("index values of group %s: %w", g.ID, err)
		}
		if err := insertGroupValues(ctx, tx, g.ID, keys, g.Attrs); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE group_index SET values_read = ? WHERE id = ?`, at.Unix(), g.ID); err != nil {
			return fmt.Errorf("index values of group %s: %w", g.ID, err)
		}
	}
	return tx.Commit()
}

func insertGroupValues(ctx context.Context, tx *txn, id string, keys []string, attrs []api.Attr) error {
	for _, a := range attrs {
		if !slices.Contains(keys, a.Key) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO group_index_attrs(group_id, key, value)
			SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM group_index WHERE id = ?)`, id, a.Key, a.Value, id); err != nil {
			return fmt.Errorf("index values of group %s: %w", id, err)
		}
	}
	return nil
}

// PutGroupAttrs stores what a change made through the panel left of keys
// in a group the index holds: the values of attrs among keys replace
// those the index had of them (a key attrs lacks has none). A group the
// index does not hold yet is left to the crawler.
func (d *DB) PutGroupAttrs(ctx context.Context, id string, keys []string, attrs []api.Attr) error {
	if len(keys) == 0 {
		return nil
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `DELETE FROM group_index_attrs WHERE group_id = ? AND key = ?`, id, k); err != nil {
			return fmt.Errorf("index values of group %s: %w", id, err)
		}
	}
	if err := insertGroupValues(ctx, tx, id, keys, attrs); err != nil {
		return err
	}
	return tx.Commit()
}

// FinishGroupRound ends the current round once its list is read and every
// group it named is described: groups the round did not list were
// dismissed and are removed, and the next round starts from the first page.
func (d *DB) FinishGroupRound(ctx context.Context, now time.Time) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM group_index WHERE listed_round < (SELECT round FROM group_index_state)`); err != nil {
		return fmt.Errorf("drop dismissed groups: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE group_index_state SET round = round + 1, next = 0, list_done = 0, started = 0, refreshed = ?`, now.Unix()); err != nil {
		return err
	}
	return tx.Commit()
}

// CountGroups returns how many groups the index holds, and how many of them
// are described (have a name and type).
func (d *DB) CountGroups(ctx context.Context) (all, described int, err error) {
	err = d.db.QueryRowContext(ctx, `SELECT count(*), count(*) - (SELECT count(*) FROM group_index WHERE info_round < listed_round) FROM group_index`).Scan(&all, &described)
	return all, described, err
}

// GroupSearch is a finder query.
type GroupSearch struct {
	Text  string   // part of the name (any script), or the start of the ID
	Types []string // any of these types; empty: all
	After string   // the last ID of the page before (keyset cursor)
	Limit int
	// Only, when not nil, restricts the search to these IDs (a moderator's
	// scope).
	Only []string
	// Attr, when not nil, keeps the groups whose value of a key, as the
	// index last read it or a change left it, is the one given.
	Attr *api.Attr
}

// MaxCountedMatches bounds the count of matches a search reports: counting
// every match of a common word among a million groups costs more than the
// page itself.
const MaxCountedMatches = 1000

// ftsDriveMax is the number of name matches from which a search no longer
// lets the matches drive it (reading each match's row and sorting them all
// by ID) but walks the groups in ID order until it has a page.
const ftsDriveMax = MaxCountedMatches + 1

// ftsSetMax is the number of name matches up to which a walk in ID order
// checks each group against the set of matches the name index found:
// the walk then reads only the ID index (which holds each group's row
// number), and a group's row only once it matches. Beyond it, gathering
// the set costs more than reading the few rows a page of so common a name
// needs and checking their names.
const ftsSetMax = 10_000

// minTrigram is the shortest text the trigram index (group_index_names)
// can look up; shorter text is looked up in the index of character pairs
// (group_index_pairs, migration 0005): two characters as a pair, one as the
// first character of a pair.
const minTrigram = 3

// nameIndex returns the full-text table that finds names containing text
// and the expression that matches them: three characters or more as a
// phrase of trigrams; two as the one pair they are; one as the prefix of
// pairs, which every character of a name begins (so a single character
// matches the names holding it, like any other search). It returns "" if
// neither index can: text of one or two characters with whitespace or a
// control character in it (which the pair index's tokenizer splits at), or
// that is not UTF-8; such text is matched by reading names.
func nameIndex(text string) (table, match string) {
	phrase := `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
	switch n := utf8.RuneCountInString(text); {
	case n >= minTrigram:
		return "group_index_names", phrase
	case !utf8.ValidString(text) || strings.ContainsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return "", ""
	case n == 2:
		return "group_index_pairs", phrase
	default:
		return "group_index_pairs", phrase + "*"
	}
}

// How a search by text finds its matches.
const (
	textDrives   = iota // few matches: read them and sort them by ID
	textSetWalk         // a walk of the ID index checks the set of matches
	textLikeWalk        // a walk of the groups checks each name
)

// SearchGroups returns a page of the groups matching s, in ID order, and
// how many match (at most MaxCountedMatches+1, meaning "more").
// tencentGroupPrefix begins the IDs Tencent makes for groups.
const tencentGroupPrefix = "@TGS#"

// idPrefixes is the condition on g.id of a search's text, with its
// arguments: IDs that start with the text in any letter case (ASCII, as
// NOCASE folds), and, for text without Tencent's prefix, IDs that start
// with the prefix and the text ("2j4sz" finds @TGS#2J4SZEAEL). The index
// group_index_id_nocase answers both.
func idPrefixes(text string) (string, []any) {
	prefixes := []string{text}
	if !strings.Contains(text, " ") && !strings.HasPrefix(strings.ToUpper(text), tencentGroupPrefix) {
		prefixes = append(prefixes, tencentGroupPrefix+text)
	}
	var conds []string
	var args []any
	for _, p := range prefixes {
		conds = append(conds, `(g.id COLLATE NOCASE >= ? AND g.id COLLATE NOCASE < ?)`)
		args = append(args, p, p+string(utf8.MaxRune))
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

func (d *DB) SearchGroups(ctx context.Context, s GroupSearch) ([]IndexedGroup, int, error) {
	if d.pg {
		return d.searchGroupsPostgres(ctx, s)
	}
	var conds []string
	var args []any
	from := "group_index g"
	// countFrom and countArgs, when set, are where the count is taken from
	// instead (the matches driving, with the filters): a walk in ID order
	// until MaxCountedMatches+1 matches would read far more groups than a
	// page needs.
	countFrom := ""
	var countArgs []any
	// counted, when not zero, is the count already known: a common name
	// with no other filter has more matches than are counted.
	counted := 0
	if text := strings.TrimSpace(s.Text); text != "" {
		ids, idArgs := idPrefixes(text)
		names, match := nameIndex(text)
		how := textLikeWalk
		if names != "" {
			// The index finds the matches in the order of their row
			// numbers and can stop early: counting up to ftsSetMax+1 costs
			// a fraction of a page.
			var n int
			if err := d.search.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT rowid FROM `+names+` WHERE `+names+` MATCH ? LIMIT ?)`,
				match, ftsSetMax+1).Scan(&n); err != nil {
				return nil, 0, fmt.Errorf("search group names: %w", err)
			}
			switch {
			case n < ftsDriveMax:
				how = textDrives
			case n <= ftsSetMax:
				how = textSetWalk
			}
			if n >= ftsDriveMax && len(s.Types) == 0 && s.Only == nil && s.Attr == nil {
				counted = MaxCountedMatches + 1
			}
		}
		// The matches by name, and the groups whose ID starts with the
		// text, driving.
		drive := `(SELECT rowid AS r FROM ` + names + ` WHERE ` + names + ` MATCH ?
			UNION SELECT rowid FROM group_index WHERE ` + strings.ReplaceAll(ids, "g.id", "id") + `) m CROSS JOIN group_index g ON g.rowid = m.r`
		switch how {
		case textDrives:
			from = drive
			args = append(append(args, match), idArgs...)
		case textSetWalk:
			// The unary + keeps SQLite from reading the matches' rows and
			// sorting them: it walks the ID index, probing the set (with a
			// Bloom filter) for each group.
			conds = append(conds, `(+g.rowid IN (SELECT rowid FROM `+names+` WHERE `+names+` MATCH ?) OR `+ids+`)`)
			args = append(append(args, match), idArgs...)
			countFrom, countArgs = drive, append([]any{match}, idArgs...)
		default:
			// Very common text (or text neither index can look up):
			// walking the groups in ID order finds a page of matches after
			// a few thousand rows, where sorting every match would read
			// them all.
			conds = append(conds, `(g.name LIKE ? ESCAPE '\' OR `+ids+`)`)
			args = append(append(args, "%"+likeEscaper.Replace(text)+"%"), idArgs...)
		}
	}
	var filters []string
	var filterArgs []any
	if len(s.Types) > 0 {
		filters = append(filters, "g.type IN ("+strings.TrimSuffix(strings.Repeat("?,", len(s.Types)), ",")+")")
		for _, t := range s.Types {
			filterArgs = append(filterArgs, t)
		}
	}
	if s.Attr != nil {
		// As for names: up to ftsSetMax groups with the value, the set of
		// them (read from group_index_attrs_value) is checked; beyond, a
		// walk in ID order looks each group's value up, which finds a
		// page of so common a value after a few rows, where gathering the
		// set would read every match (half a second for 500,000).
		var n int
		if err := d.search.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM group_index_attrs WHERE key = ? AND value = ? LIMIT ?)`,
			s.Attr.Key, s.Attr.Value, ftsSetMax+1).Scan(&n); err != nil {
			return nil, 0, fmt.Errorf("search group values: %w", err)
		}
		if n <= ftsSetMax {
			filters = append(filters, "g.id IN (SELECT group_id FROM group_index_attrs WHERE key = ? AND value = ?)")
		} else {
			filters = append(filters, "EXISTS (SELECT 1 FROM group_index_attrs a WHERE a.group_id = g.id AND a.key = ? AND a.value = ?)")
			if strings.TrimSpace(s.Text) == "" && len(s.Types) == 0 && s.Only == nil {
				counted = MaxCountedMatches + 1
			}
		}
		filterArgs = append(filterArgs, s.Attr.Key, s.Attr.Value)
	}
	if s.Only != nil {
		only, err := json.Marshal(s.Only)
		if err != nil {
			return nil, 0, err
		}
		filters = append(filters, "g.id IN (SELECT value FROM json_each(?))")
		filterArgs = append(filterArgs, string(only))
	}
	conds, args = append(conds, filters...), append(args, filterArgs...)
	where := whereOf(conds)
	total := counted
	if total == 0 {
		// Count the matches, up to the cap.
		q, qArgs := `SELECT count(*) FROM (SELECT 1 FROM `+from+where+` LIMIT ?)`, append(append([]any{}, args...), MaxCountedMatches+1)
		if countFrom != "" {
			q, qArgs = `SELECT count(*) FROM (SELECT 1 FROM `+countFrom+whereOf(filters)+` LIMIT ?)`, append(append(countArgs, filterArgs...), MaxCountedMatches+1)
		}
		if err := d.search.QueryRowContext(ctx, q, qArgs...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count groups: %w", err)
		}
	}
	pageWhere := where
	pageArgs := append([]any{}, args...)
	if s.After != "" {
		if pageWhere == "" {
			pageWhere = " WHERE g.id > ?"
		} else {
			pageWhere += " AND g.id > ?"
		}
		pageArgs = append(pageArgs, s.After)
	}
	pageArgs = append(pageArgs, s.Limit)
	out, err := d.groupPage(ctx, d.search, from+pageWhere, "g.id", pageArgs)
	return out, total, err
}

// groupPage reads a page of groups from the search's from-and-where, in ID
// order (order: an expression of g.id; its last argument is the page's
// size).
func (d *DB) groupPage(ctx context.Context, db querier, fromWhere, order string, args []any) ([]IndexedGroup, error) {
	out, err := queryAll(ctx, db, func(sc scanner) (IndexedGroup, error) {
		var g IndexedGroup
		return g, sc.Scan(&g.ID, &g.Name, &g.Type, &g.MemberCount, &g.Owner)
	}, `SELECT g.id, g.name, g.type, g.member_count, g.owner FROM `+fromWhere+` ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("search groups: %w", err)
	}
	return out, nil
}

func whereOf(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// FillGroupIndex writes groups straight into the index as described in the
// current round, in transactions of batch rows: for benchmarks that need a
// large index without crawling it.
func (d *DB) FillGroupIndex(ctx context.Context, groups func(yield func(IndexedGroup) bool), batch int) error {
	st, err := d.GroupIndexState(ctx)
	if err != nil {
		return err
	}
	var buf []IndexedGroup
	flush := func() error {
		tx, err := d.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := putGroups(ctx, tx, st.Round, buf); err != nil {
			return err
		}
		buf = buf[:0]
		return tx.Commit()
	}
	for g := range groups {
		if buf = append(buf, g); len(buf) >= batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(buf) > 0 {
		return flush()
	}
	return nil
}

// IndexedNames returns the names of those of ids the index holds (a group
// listed but not yet described has an empty name).
func (d *DB) IndexedNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := d.search.QueryContext(ctx, `SELECT id, name FROM group_index WHERE id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
