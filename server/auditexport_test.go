package server

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/i18n"
	"github.com/imdesk/imdesk/server/sqlite"
)

// FuzzAuditExport writes two records holding whatever a moderator, an
// attacker or someone editing the database could put in them, and checks
// what a person opening the download would rely on: the CSV has a header
// and one row per record, no cell a spreadsheet would run as a formula,
// and every text as it was; the JSON Lines file has one line per record
// that reads back to the record. The seeds in testdata/fuzz run as part of
// the normal tests.
func FuzzAuditExport(f *testing.F) {
	f.Add("alice", "@TGS#_trailhead", "Mozilla/5.0", `{"set":[{"key":"k","value":"v"}]}`, "ok", "line 1\nline 2")
	f.Add("=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", `[]`, "@SUM(A1)", "\tindented")
	f.Add("\r\n=1+1", "a,b\"c", "\xff\xfe", `not json`, "", "\r")
	f.Fuzz(func(t *testing.T, actor, target, userAgent, request, info, detail string) {
		at := time.Date(2026, 11, 22, 8, 0, 0, 123, time.UTC)
		recs := []*sqlite.Record{
			{AuditEntry: api.AuditEntry{Seq: 2, Time: at, Kind: "intent", Actor: actor, Role: "moderator", IP: "192.0.2.1",
				UserAgent: userAgent, RequestID: "r1", Action: "group.attributes.patch", Target: target,
				Request: json.RawMessage(request), Before: json.RawMessage(`[]`), Outcome: "ok", TencentInfo: info, Detail: detail, Hash: "hmac-sha256:00"}},
			{AuditEntry: api.AuditEntry{Seq: 1, Time: at, Kind: "event", Actor: detail, Action: "session.signin", Target: actor, Outcome: "failed", Detail: userAgent}},
		}

		var c bytes.Buffer
		if err := writeAuditCSV(&c, recs, auditCSV{}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&c).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not read back: %v\n%q", err, c.String())
		}
		header := auditCSV{say: i18n.Get("en"), zone: time.UTC}.header()
		if len(rows) != 1+len(recs) || strings.Join(rows[0], ",") != strings.Join(header, ",") {
			t.Fatalf("%d rows, want a header and %d: %q", len(rows), len(recs), rows)
		}
		col := func(name string) int {
			for i, h := range header {
				if h == name {
					return i
				}
			}
			t.Fatalf("no column %s", name)
			return -1
		}
		for i, rec := range recs {
			row := rows[i+1]
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("record %d: a spreadsheet would run the cell %q", rec.Seq, cell)
				}
			}
			for name, text := range map[string]string{"Who": rec.Actor, "Target ID": rec.Target,
				"Tencent's answer": rec.TencentInfo, "Details": rec.Detail} {
				want := text
				if want != "" && strings.ContainsRune("=+-@\t\r", rune(want[0])) {
					want = "'" + want // shown as text, not run
				}
				// The CSV reader turns a line break "\r\n" inside a cell into "\n".
				if got := row[col(name)]; got != strings.ReplaceAll(want, "\r\n", "\n") {
					t.Errorf("record %d, %s: %q, want %q", rec.Seq, name, got, want)
				}
			}
		}

		var j bytes.Buffer
		if err := writeAuditJSONL(&j, recs); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(&j)
		sc.Buffer(nil, 1<<20)
		n := 0
		for sc.Scan() {
			var got api.AuditRecord
			if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
				t.Fatalf("line %d is not JSON: %v\n%s", n+1, err, sc.Bytes())
			}
			want := recs[n]
			if got.Seq != want.Seq || !got.Time.Equal(want.Time) {
				t.Errorf("line %d: seq %d time %v, want %d %v", n+1, got.Seq, got.Time, want.Seq, want.Time)
			}
			for name, pair := range map[string][2]string{"actor": {got.Actor, want.Actor}, "target": {got.Target, want.Target},
				"userAgent": {got.UserAgent, want.UserAgent}, "tencentInfo": {got.TencentInfo, want.TencentInfo}, "detail": {got.Detail, want.Detail}} {
				if pair[0] != asJSONText(pair[1]) {
					t.Errorf("line %d, %s: %q, want %q", n+1, name, pair[0], pair[1])
				}
			}
			if json.Valid(want.Request) && !jsonEqual(got.Request, want.Request) {
				t.Errorf("line %d, request: %s, want %s", n+1, got.Request, want.Request)
			}
			n++
		}
		if n != len(recs) {
			t.Fatalf("%d lines, want %d:\n%s", n, len(recs), j.String())
		}
	})
}

// asJSONText is s as JSON holds it: each byte that is not UTF-8 becomes
// U+FFFD, as encoding/json writes it (JSON has no other way to hold it).
func asJSONText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r) // RuneError for an invalid byte
		i += size
	}
	return b.String()
}

func jsonEqual(a, b []byte) bool {
	var ca, cb bytes.Buffer
	return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && ca.String() == cb.String()
}

// The CSV is for people: the action and the outcome in words in the
// reader's language, the time in the reader's zone (named in the header),
// the target by name and ID, and the change as "key: old → new".
func TestAuditCSVReadable(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	recs := []*sqlite.Record{
		{AuditEntry: api.AuditEntry{Seq: 7, Time: at, Kind: "intent", Actor: "moderator", Role: "moderator", Action: api.ActionAttributesPatch,
			Target: "@TGS#_trailhead", Before: json.RawMessage(`[{"key":"region","value":"eu"},{"key":"slowmode","value":"10"}]`),
			After: json.RawMessage(`[{"key":"slowmode","value":"30"},{"key":"theme","value":"夜空"}]`), Outcome: "ok", Job: 3}},
		{AuditEntry: api.AuditEntry{Seq: 8, Time: at, Kind: "intent", Actor: "moderator", Role: "moderator", Action: api.ActionGroupMembersChange,
			Target: "@TGS#_trailhead bob", Before: json.RawMessage(`{"groupId":"@TGS#_trailhead","id":"bob","role":"Member","nameCard":"bobby","data":[{"key":"level","value":"3"}],"version":"a"}`),
			After: json.RawMessage(`{"groupId":"@TGS#_trailhead","id":"bob","role":"Admin","nameCard":"bobby","data":[{"key":"level","value":"4"}],"version":"b"}`), Outcome: "failed", TencentCode: 10004, TencentInfo: "invalid"}},
		{AuditEntry: api.AuditEntry{Seq: 9, Time: at, Kind: "intent", Actor: "moderator", Role: "moderator", Action: api.ActionConvGroupsCreate, Target: "alice",
			Before: json.RawMessage(`{"userId":"alice","version":"x","groups":[],"conversations":[],"counted":0,"maxGroups":20,"maxCounted":1000}`),
			After:  json.RawMessage(`{"userId":"alice","version":"y","groups":[{"name":"Work","conversations":[{"type":"user","id":"carmen","name":"Carmen"},{"type":"user","id":"bob"}]}],"conversations":[],"counted":2,"maxGroups":20,"maxCounted":1000}`), Outcome: "ok"}},
		{AuditEntry: api.AuditEntry{Seq: 10, Time: at, Kind: "event", Actor: "moderator", Role: "moderator", Action: "session.signin", Target: "moderator", Outcome: "ok"}},
	}
	names := csvNames{"@TGS#_trailhead": "Trailhead Hikers", "@TGS#_trailhead bob": "Bob Martin in Trailhead Hikers", "alice": "Alice Walker"}
	read := func(lang string, zone *time.Location) [][]string {
		var b bytes.Buffer
		if err := writeAuditCSV(&b, recs, auditCSV{say: i18n.Get(lang), zone: zone, names: names}); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rows := read("en", shanghai)
	want := [][]string{
		{"#", "When (Asia/Shanghai)", "Who", "Role", "What happened", "Target", "Target ID", "Outcome", "Change", "Details", "Tencent's answer", "Bulk change", "Address", "Request ID"},
		{"7", "2026-11-22 16:00:00", "moderator", "moderator", "Changed attributes", "Trailhead Hikers", "'@TGS#_trailhead", "Done",
			"region: removed; slowmode: 10 → 30; theme: added, 夜空", "", "", "3", "", ""},
		{"8", "2026-11-22 16:00:00", "moderator", "moderator", "Changed a member's profile", "Bob Martin in Trailhead Hikers", "'@TGS#_trailhead bob", "Failed",
			"data.level: 3 → 4; role: Member → Admin", "", "10004 invalid", "", "", ""},
		{"9", "2026-11-22 16:00:00", "moderator", "moderator", "Created a conversation group", "Alice Walker", "alice", "Done",
			"groups.Work.conversations: added, Carmen · carmen, bob", "", "", "", "", ""},
		{"10", "2026-11-22 16:00:00", "moderator", "moderator", "Signed in", "", "moderator", "Done", "", "", "", "", "", ""},
	}
	for i := range want {
		if i >= len(rows) || strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, rows[i], want[i])
		}
	}
	zh := read("zh-Hans", time.UTC)
	if !strings.Contains(zh[0][1], "UTC") || zh[1][1] != "2026-11-22 08:00:00" {
		t.Errorf("UTC: %q %q", zh[0][1], zh[1][1])
	}
	if got, want := zh[1][4], i18n.Get("zh-Hans").Text("Actions.group.attributes.patch"); got != want || got == "Changed attributes" {
		t.Errorf("the action in Chinese: %q, want %q", got, want)
	}
	if zh[0][2] == "Who" {
		t.Errorf("the header in Chinese: %q", zh[0])
	}
}
