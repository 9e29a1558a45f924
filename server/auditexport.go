package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the reader's time zone, whatever the server's system holds

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/i18n"
	"github.com/imdesk/imdesk/server/sqlite"
)

// The audit log's downloads (GET /api/v1/audit/export): CSV for people,
// JSON Lines for tools. Both hold every record given, one per row or
// line. The JSON Lines file is the record exactly as stored; the CSV is
// what a person reads in a spreadsheet: what happened in words, in the
// reader's language, when in the reader's time zone (named in the
// header), who, the target by name and ID, the outcome in words, and the
// change as "key: old → new".

// csvNames are the names of an export's targets, by audit target
// (a group ID, a user ID, or "GROUP USER" for a member).
type csvNames map[string]string

// auditCSV is how a CSV export is written: in a language, a time zone,
// and with the names of its targets.
type auditCSV struct {
	say   *i18n.Catalogue
	zone  *time.Location
	names csvNames
}

// header names the CSV's columns.
func (a auditCSV) header() []string {
	say := func(f string, args ...any) string { return a.say.Say(api.Say(f, args...)) } // the catalogue's test finds them by this name
	return []string{"#", say("When (%s)", a.zone.String()), say("Who"), say("Role"), say("What happened"), say("Target"), say("Target ID"),
		say("Outcome"), say("Change"), say("Details"), say("Tencent's answer"), say("Bulk change"), say("Address"), say("Request ID")}
}

// writeAuditCSV writes the records as CSV, a header first.
func writeAuditCSV(w io.Writer, recs []*sqlite.Record, a auditCSV) error {
	if a.say == nil {
		a.say = i18n.Get("en")
	}
	if a.zone == nil {
		a.zone = time.UTC
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(a.header())
	for _, rec := range recs {
		tencent := rec.TencentInfo
		if rec.TencentCode != 0 {
			tencent = strings.TrimSpace(strconv.Itoa(rec.TencentCode) + " " + rec.TencentInfo)
		}
		job := ""
		if rec.Job != 0 {
			job = strconv.FormatInt(rec.Job, 10)
		}
		_ = cw.Write([]string{strconv.FormatInt(rec.Seq, 10), rec.Time.In(a.zone).Format("2006-01-02 15:04:05"),
			csvSafe(rec.Actor), csvSafe(a.word("Roles.", rec.Role)), csvSafe(a.word("Actions.", rec.Action)),
			csvSafe(a.names[rec.Target]), csvSafe(rec.Target), csvSafe(a.word("Outcomes.", rec.Outcome)),
			csvSafe(a.changeSummary(rec.Before, rec.After)), csvSafe(rec.Detail), csvSafe(tencent), job, csvSafe(rec.IP), csvSafe(rec.RequestID)})
	}
	cw.Flush()
	return cw.Error()
}

// word is the catalogue's word for a code (an action, an outcome, a
// role), or the code itself when the catalogue has none.
func (a auditCSV) word(prefix, code string) string {
	if code == "" {
		return ""
	}
	if t := a.say.Text(prefix + code); t != prefix+code {
		return t
	}
	return code
}

// changeSummary says what a change changed, a field at a time in the
// order of their names: "slowmode: 10 → 30; region: removed". Fields
// that only describe the state (its version, limits, counts) are left
// out; "" when nothing is known to have changed.
func (a auditCSV) changeSummary(before, after json.RawMessage) string {
	if len(after) == 0 || string(after) == "null" {
		return ""
	}
	b, af := flattenState(before), flattenState(after)
	keys := make([]string, 0, len(b)+len(af))
	for k := range b {
		keys = append(keys, k)
	}
	for k := range af {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		old, had := b[k]
		now, has := af[k]
		switch {
		case had && has && old != now:
			parts = append(parts, a.say.Say(api.Say("%s: %s → %s", k, old, now)))
		case had && !has:
			parts = append(parts, a.say.Say(api.Say("%s: removed", k)))
		case !had && has:
			parts = append(parts, a.say.Say(api.Say("%s: added, %s", k, now)))
		}
	}
	return strings.Join(parts, "; ")
}

// stateOnly are fields of a family's state that describe it rather than
// hold what a moderator changes.
var stateOnly = map[string]bool{"version": true, "results": true, "canEdit": true, "counted": true, "friendCount": true,
	"maxGroups": true, "maxCounted": true, "maxLists": true, "maxNameBytes": true, "groupId": true, "groupType": true,
	"dataKeys": true, "userId": true, "unlisted": true}

// flattenState reads a state as stored in the audit log into fields by
// path: an attribute or a custom value by its key ("slowmode",
// "data.level"), a list item by its name or ID ("groups.Work.conversations"),
// and a list of things named by an ID as one value ("bob, Carmen · carmen").
func flattenState(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return out
	}
	flattenInto(v, "", out)
	return out
}

func flattenInto(v any, path string, out map[string]string) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		if path != "" {
			if l, ok := identity(x); ok {
				out[path] = l
				return
			}
		}
		for k, e := range x {
			if !stateOnly[k] {
				flattenInto(e, join(k), out)
			}
		}
	case []any:
		var labels []string
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				labels = append(labels, scalar(e))
				continue
			}
			if l, ok := identity(m); ok {
				labels = append(labels, l)
				continue
			}
			key, isKV := m["key"].(string)
			if val, ok := m["value"]; isKV && ok && len(m) == 2 {
				out[join(key)] = scalar(val)
				continue
			}
			seg := key
			if id, ok := m["id"].(string); ok && seg == "" {
				seg, m = id, without(m, "id", "name", "type") // the ID names it; its name is a label
			} else if name, ok := m["name"].(string); ok && seg == "" {
				seg, m = name, without(m, "name")
			}
			if seg == "" {
				seg = strconv.Itoa(i + 1)
			}
			flattenInto(m, join(seg), out)
		}
		if len(labels) > 0 {
			slices.Sort(labels)
			out[path] = strings.Join(labels, ", ")
		}
	case nil:
	default:
		out[path] = scalar(x)
	}
}

// identity is the label of something named only by its ID (and type and
// name): a conversation, a friend.
func identity(m map[string]any) (string, bool) {
	id, ok := m["id"].(string)
	if !ok {
		return "", false
	}
	for k := range m {
		if k != "id" && k != "name" && k != "type" {
			return "", false
		}
	}
	if name, _ := m["name"].(string); name != "" && name != id {
		return name + " · " + id, true
	}
	return id, true
}

func without(m map[string]any, keys ...string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !slices.Contains(keys, k) {
			out[k] = v
		}
	}
	return out
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// exportNames finds the names of the records' targets: groups from the
// finder's index, then from Tencent for those it lacks, and users'
// nicknames from Tencent. A name that cannot be found is left out: the
// ID is in its own column.
func (s *Server) exportNames(ctx context.Context, c *i18n.Catalogue, recs []*sqlite.Record) csvNames {
	groups, users := map[string]bool{}, map[string]bool{}
	for _, rec := range recs {
		switch {
		case strings.HasPrefix(rec.Action, "group."):
			g, u, member := strings.Cut(rec.Target, " ")
			groups[g] = true
			if member {
				users[u] = true
			}
		case strings.HasPrefix(rec.Action, "user."):
			users[rec.Target] = true
		}
	}
	gids, uids := slices.Sorted(mapKeys(groups)), slices.Sorted(mapKeys(users))
	gnames, err := s.db.IndexedNames(ctx, gids)
	if err != nil {
		gnames = map[string]string{}
	}
	var missing []string
	for _, id := range gids {
		if gnames[id] == "" {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 && len(missing) <= maxExportLookups {
		if more, err := s.groupNames(ctx, missing); err == nil {
			for id, n := range more {
				gnames[id] = n
			}
		}
	}
	nicks := map[string]string{}
	if len(uids) > 0 && len(uids) <= maxExportLookups {
		if n, err := s.tim.Nicknames(ctx, uids); err == nil {
			nicks = n
		}
	}
	out := csvNames{}
	for _, rec := range recs {
		switch {
		case strings.HasPrefix(rec.Action, "group."):
			g, u, member := strings.Cut(rec.Target, " ")
			if !member {
				out[rec.Target] = gnames[g]
			} else if nicks[u] != "" || gnames[g] != "" {
				out[rec.Target] = c.Say(api.Say("%s in %s", or(nicks[u], u), or(gnames[g], g)))
			}
		case strings.HasPrefix(rec.Action, "user."):
			out[rec.Target] = nicks[rec.Target]
		}
	}
	return out
}

// maxExportLookups bounds the names an export asks Tencent for (a share
// of its rate limits a download should not take from moderators).
const maxExportLookups = 1000

func mapKeys(m map[string]bool) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// startDownload begins an export's answer, the audit log's or a bulk
// change's: a file to save, name.format, of JSON Lines (format jsonl) or
// CSV. A CSV starts with a byte-order mark: without it spreadsheet
// programs read the file in the system's code page and garble Chinese,
// Japanese and Korean names.
func startDownload(w http.ResponseWriter, name, format string) {
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+"."+format+`"`)
	if format == "jsonl" {
		w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	_, _ = io.WriteString(w, "\ufeff")
}

// jsonLines is the encoder of a JSON Lines download: one value per line,
// and every text as it was recorded — "<", ">" and "&" are not turned into
// \u003c and the like, which would change the bytes of a recorded request
// and make the file harder to read and to compare with the database.
func jsonLines(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// csvSafe keeps a spreadsheet from reading a cell as a formula: values that
// moderators or attackers typed go into the export. Every text column goes
// through it, those the panel fills too: whoever can write the database
// can put anything in any column.
func csvSafe(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') {
		return "'" + v
	}
	return v
}

// writeAuditJSONL writes the records as JSON Lines. A request or state
// column that does not hold JSON (only a damaged or edited database has
// that) is written as a JSON string of its text instead: encoding would
// fail on it, and the record would silently be missing from the download.
func writeAuditJSONL(w io.Writer, recs []*sqlite.Record) error {
	enc := jsonLines(w)
	for _, rec := range recs {
		r := *rec
		for _, raw := range []*json.RawMessage{&r.Request, &r.Before, &r.After} {
			switch {
			case len(*raw) == 0:
				*raw = nil // none: null (an empty value is no JSON at all)
			case !json.Valid(*raw):
				*raw, _ = json.Marshal(string(*raw))
			}
		}
		if err := enc.Encode(&r); err != nil {
			return err
		}
	}
	return nil
}
