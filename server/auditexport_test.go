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
		if err := writeAuditCSV(&c, recs); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&c).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not read back: %v\n%q", err, c.String())
		}
		if len(rows) != 1+len(recs) || strings.Join(rows[0], ",") != strings.Join(auditCSVHeader, ",") {
			t.Fatalf("%d rows, want a header and %d: %q", len(rows), len(recs), rows)
		}
		col := func(name string) int {
			for i, h := range auditCSVHeader {
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
			for name, text := range map[string]string{"actor": rec.Actor, "target": rec.Target, "user_agent": rec.UserAgent,
				"request": string(rec.Request), "tencent_info": rec.TencentInfo, "detail": rec.Detail} {
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
