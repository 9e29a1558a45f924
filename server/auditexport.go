package server

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/imdesk/imdesk/server/sqlite"
)

// The audit log's downloads (GET /api/v1/audit/export): CSV for
// spreadsheets, JSON Lines for tools. Both hold every record given, one
// per row or line, whatever the records hold.

// auditCSVHeader names the CSV's columns.
var auditCSVHeader = []string{"seq", "time", "actor", "role", "ip", "user_agent", "request_id", "action", "target",
	"request", "before", "outcome", "tencent_code", "tencent_info", "detail", "duration_ms", "hash"}

// writeAuditCSV writes the records as CSV, a header first.
func writeAuditCSV(w io.Writer, recs []*sqlite.Record) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(auditCSVHeader)
	for _, rec := range recs {
		_ = cw.Write([]string{strconv.FormatInt(rec.Seq, 10), rec.Time.Format(time.RFC3339Nano), csvSafe(rec.Actor), csvSafe(rec.Role), csvSafe(rec.IP),
			csvSafe(rec.UserAgent), csvSafe(rec.RequestID), csvSafe(rec.Action), csvSafe(rec.Target), csvSafe(string(rec.Request)), csvSafe(string(rec.Before)),
			csvSafe(rec.Outcome), strconv.Itoa(rec.TencentCode), csvSafe(rec.TencentInfo), csvSafe(rec.Detail),
			strconv.FormatInt(rec.DurationMS, 10), csvSafe(rec.Hash)})
	}
	cw.Flush()
	return cw.Error()
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
	enc := json.NewEncoder(w)
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
